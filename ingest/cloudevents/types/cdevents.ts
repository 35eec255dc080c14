import { textAt, type EventType } from './event-type.js';
import type { JsonSchema } from './json-schema.js';

/**
 * CDEvents v0.4 (https://github.com/cdevents/spec/tree/spec-v0.4, schemas/*.json) carried
 * as CloudEvents: the CDEvent's `context` and `subject` are the event's `data`. These
 * schemas follow the spec's required fields for `subject`; `context` repeats the
 * CloudEvents attributes, so it is checked when present but not required. Vigil reads a
 * few extras from `customData` (the spec's free-form slot): `service`, `team`, `version`,
 * `changes` (the change ids or commits a deployment ships, for lead time) and, on
 * `change.merged`, `commit`.
 */

const text: JsonSchema = { type: 'string', minLength: 1 };
const reference: JsonSchema = { type: 'object', required: ['id'], properties: { id: text, source: { type: 'string' } } };

const context: JsonSchema = {
  type: 'object',
  description: 'The CDEvent context (repeats the CloudEvents attributes; optional here).',
  required: ['id', 'source', 'type', 'timestamp'],
  properties: { version: text, id: text, source: text, type: text, timestamp: { type: 'string', format: 'date-time' }, chainId: text },
};

const customData: JsonSchema = {
  type: 'object',
  description: 'Free-form; Vigil reads service, team, version, changes and commit from it.',
  properties: {
    service: text,
    team: text,
    version: text,
    commit: text,
    changes: { type: 'array', items: text, description: 'Change ids (change.merged subject ids) or commits this deployment ships.' },
  },
};

function cdevent(subjectType: string, content: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['subject'],
    properties: {
      context,
      subject: {
        type: 'object',
        required: ['id', 'content'],
        properties: { id: text, source: { type: 'string' }, type: { type: 'string', enum: [subjectType] }, content },
      },
      customData,
    },
  };
}

const environmentAndArtifact: JsonSchema = {
  type: 'object',
  required: ['environment', 'artifactId'],
  properties: { environment: reference, artifactId: text },
};

const incidentContent: JsonSchema = {
  type: 'object',
  required: ['environment'],
  properties: { description: { type: 'string' }, environment: reference, service: reference, artifactId: text },
};

/** The service of a CDEvent: customData.service, else what the subject type implies. */
const fromCustomData = (data: Record<string, unknown>) => textAt(data, 'customData', 'service');
const serviceSubject = (data: Record<string, unknown>) => fromCustomData(data) || textAt(data, 'subject', 'id');
const incidentService = (data: Record<string, unknown>) => fromCustomData(data) || textAt(data, 'subject', 'content', 'service', 'id');

const deployExample = (artifact: string) => ({
  subject: { id: 'checkout', type: 'service', content: { environment: { id: 'production' }, artifactId: artifact } },
  customData: { team: 'payments', version: '1.4.2', changes: ['PR-1841', 'PR-1843'] },
});

export const CDEVENT_TYPES: readonly EventType[] = [
  {
    type: 'dev.cdevents.service.deployed',
    version: '0.2.0',
    practice: 'devops',
    description: 'A new service (or a new version of it) runs in an environment: a deployment for DORA.',
    schema: cdevent('service', environmentAndArtifact),
    example: deployExample('pkg:oci/checkout@sha256:1f2e3d'),
    serviceOf: serviceSubject,
  },
  {
    type: 'dev.cdevents.service.upgraded',
    version: '0.2.0',
    practice: 'devops',
    description: 'A running service was upgraded to a new version: a deployment for DORA.',
    schema: cdevent('service', environmentAndArtifact),
    example: deployExample('pkg:oci/checkout@sha256:4c5b6a'),
    serviceOf: serviceSubject,
  },
  {
    type: 'dev.cdevents.service.rolledback',
    version: '0.2.0',
    practice: 'devops',
    description: 'A service was rolled back: marks its latest deployment as failed (DORA) and restores it.',
    schema: cdevent('service', environmentAndArtifact),
    example: { subject: { id: 'checkout', type: 'service', content: { environment: { id: 'production' }, artifactId: 'pkg:oci/checkout@sha256:1f2e3d' } } },
    serviceOf: serviceSubject,
  },
  {
    type: 'dev.cdevents.pipelinerun.finished',
    version: '0.2.0',
    practice: 'devops',
    description: 'A CI/CD pipeline run finished, with its outcome.',
    schema: cdevent('pipelineRun', {
      type: 'object',
      properties: { pipelineName: text, url: { type: 'string' }, outcome: { type: 'string', enum: ['success', 'failure', 'error', 'cancel'] }, errors: { type: 'string' } },
    }),
    example: { subject: { id: 'run-7781', type: 'pipelineRun', content: { pipelineName: 'checkout-release', outcome: 'success', url: 'https://ci.example.com/runs/7781' } }, customData: { service: 'checkout' } },
    serviceOf: fromCustomData,
  },
  {
    type: 'dev.cdevents.change.merged',
    version: '0.2.0',
    practice: 'devops',
    description: 'A change (pull/merge request) was merged: the start of lead time for changes.',
    schema: cdevent('change', { type: 'object', properties: { repository: reference } }),
    example: { subject: { id: 'PR-1841', type: 'change', content: { repository: { id: 'acme/checkout' } } }, customData: { service: 'checkout', commit: '9f8e7d6c' } },
    serviceOf: fromCustomData,
  },
  {
    type: 'dev.cdevents.incident.detected',
    version: '0.2.0',
    practice: 'incident',
    description: 'An incident was detected on a service (counts as a deployment failure and starts recovery time).',
    schema: cdevent('incident', incidentContent),
    example: { subject: { id: 'INC-311', type: 'incident', content: { description: 'checkout 5xx above 2%', environment: { id: 'production' }, service: { id: 'checkout' } } } },
    serviceOf: incidentService,
  },
  {
    type: 'dev.cdevents.incident.reported',
    version: '0.2.0',
    practice: 'incident',
    description: 'An incident was reported (by a person or a ticket); like detected.',
    schema: cdevent('incident', incidentContent),
    example: { subject: { id: 'INC-312', type: 'incident', content: { description: 'customers cannot pay', environment: { id: 'production' }, service: { id: 'checkout' } } } },
    serviceOf: incidentService,
  },
  {
    type: 'dev.cdevents.incident.resolved',
    version: '0.2.0',
    practice: 'incident',
    description: 'An incident (same subject id as detected/reported) was resolved: ends recovery time.',
    schema: cdevent('incident', incidentContent),
    example: { subject: { id: 'INC-311', type: 'incident', content: { environment: { id: 'production' }, service: { id: 'checkout' } } } },
    serviceOf: incidentService,
  },
];
