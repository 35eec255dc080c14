import { describe, expect, it } from 'vitest';
import { practiceOf } from './practice.js';

describe('practiceOf', () => {
  it.each([
    ['dev.cdevents.pipelinerun.finished.0.2.0', 'devops'],
    ['dev.cdevents.service.deployed.0.2.0', 'devops'],
    ['dev.cdevents.incident.detected.0.1.0', 'incident'],
    ['com.pagerduty.incident.triggered', 'incident'],
    ['com.github.security.advisory.published', 'devsecops'],
    ['io.snyk.Vulnerability.Found', 'devsecops'],
    ['org.airflow.dataquality.check.failed', 'dataops'],
    ['com.acme.pipeline.run.failed', 'dataops'],
    ['ai.mlflow.model.version.registered', 'mlops'],
    ['com.slack.chatops.command', 'chatops'],
    ['com.acme.kpi.conversion.dropped', 'bizdevops'],
    ['com.acme.business.order.placed', 'bizdevops'],
    ['com.aws.cost.anomaly.detected', 'finops'],
    ['com.example.thing.happened', 'other'],
  ])('%s → %s', (type, practice) => expect(practiceOf(type)).toBe(practice));
});
