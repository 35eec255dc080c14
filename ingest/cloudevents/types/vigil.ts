import { textAt, type EventType } from './event-type.js';
import type { JsonSchema } from './json-schema.js';

/**
 * Vigil's own event types for the practices CDEvents does not cover. Data is one flat
 * JSON object per event; `service` names the Vigil service it is about (the CloudEvents
 * extension `service` wins when both are set), `team` the owning team.
 */

const text: JsonSchema = { type: 'string', minLength: 1 };
const time: JsonSchema = { type: 'string', format: 'date-time' };
const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };
const owner = { service: text, team: text };

function object(required: readonly string[], properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', required, properties: { ...properties, ...owner } };
}

const serviceField = (data: Record<string, unknown>) => textAt(data, 'service');

export const VIGIL_EVENT_TYPES: readonly EventType[] = [
  {
    type: 'io.vigil.security.finding',
    version: 'v1',
    practice: 'devsecops',
    description: 'A security finding (vulnerability, misconfiguration, secret) on a service; re-send with status resolved when fixed.',
    schema: object(['findingId', 'severity', 'title'], {
      findingId: text,
      severity: { type: 'string', enum: ['critical', 'high', 'medium', 'low', 'info'] },
      status: { type: 'string', enum: ['open', 'resolved', 'suppressed'], description: 'Default open.' },
      title: text,
      cve: { type: 'string', pattern: '^CVE-\\d{4}-\\d{4,}$' },
      package: text,
      scanner: text,
      url: { type: 'string' },
    }),
    example: { findingId: 'trivy:checkout:CVE-2024-3094', severity: 'critical', status: 'open', title: 'xz backdoor', cve: 'CVE-2024-3094', package: 'xz-utils 5.6.0', scanner: 'trivy', service: 'checkout' },
    serviceOf: serviceField,
  },
  {
    type: 'io.vigil.data.pipeline.run',
    version: 'v1',
    practice: 'dataops',
    description: 'A data pipeline (ETL/ELT, Airflow DAG, dbt job) run and its result.',
    schema: object(['pipeline', 'runId', 'status'], {
      pipeline: text,
      runId: text,
      status: { type: 'string', enum: ['succeeded', 'failed', 'running', 'cancelled'] },
      startedAt: time,
      finishedAt: time,
      durationSeconds: { type: 'number', minimum: 0 },
      rowsProcessed: { type: 'integer', minimum: 0 },
    }),
    example: { pipeline: 'orders_daily', runId: 'scheduled__2026-01-01', status: 'succeeded', durationSeconds: 412, rowsProcessed: 1820331, service: 'orders-etl' },
    serviceOf: serviceField,
  },
  {
    type: 'io.vigil.data.quality.check',
    version: 'v1',
    practice: 'dataops',
    description: 'A data-quality check (freshness, volume, nulls, schema, a dbt/Great Expectations test) and whether it passed.',
    schema: object(['dataset', 'check', 'passed'], {
      dataset: text,
      check: text,
      passed: { type: 'boolean' },
      severity: { type: 'string', enum: ['error', 'warn', 'info'] },
      observedValue: { type: 'number' },
      threshold: { type: 'number' },
    }),
    example: { dataset: 'warehouse.orders', check: 'null_ratio(customer_id) < 0.01', passed: false, severity: 'error', observedValue: 0.07, threshold: 0.01, service: 'orders-etl' },
    serviceOf: serviceField,
  },
  {
    type: 'io.vigil.ml.model.deployed',
    version: 'v1',
    practice: 'mlops',
    description: 'A model version was deployed to serving.',
    schema: object(['model', 'version'], {
      model: text,
      version: text,
      environment: text,
      metrics: { type: 'object', additionalProperties: { type: 'number' }, description: 'Offline evaluation metrics by name.' },
    }),
    example: { model: 'fraud-scorer', version: '17', environment: 'production', metrics: { auc: 0.94 }, service: 'fraud-api' },
    serviceOf: serviceField,
  },
  {
    type: 'io.vigil.ml.model.drift',
    version: 'v1',
    practice: 'mlops',
    description: 'A drift measurement of a model input or output (PSI, KS, …) against its threshold.',
    schema: object(['model', 'metric', 'value'], {
      model: text,
      version: text,
      feature: text,
      metric: text,
      value: { type: 'number' },
      threshold: { type: 'number' },
      drifted: { type: 'boolean' },
    }),
    example: { model: 'fraud-scorer', version: '17', feature: 'amount', metric: 'psi', value: 0.31, threshold: 0.2, drifted: true, service: 'fraud-api' },
    serviceOf: serviceField,
  },
  {
    type: 'io.vigil.chatops.operation',
    version: 'v1',
    practice: 'chatops',
    description: 'An operation run from chat (deploy, rollback, scale, ack) and its status.',
    schema: object(['command', 'user'], {
      command: text,
      user: text,
      channel: text,
      status: { type: 'string', enum: ['requested', 'succeeded', 'failed'] },
    }),
    example: { command: '/deploy checkout 1.4.2', user: 'ana', channel: '#releases', status: 'succeeded', service: 'checkout' },
    serviceOf: serviceField,
  },
  {
    type: 'io.vigil.biz.kpi',
    version: 'v1',
    practice: 'bizdevops',
    description: 'A business KPI measurement (conversion, orders, revenue per minute, …).',
    schema: object(['kpi', 'value'], {
      kpi: text,
      value: { type: 'number' },
      unit: text,
      dimensions: stringMap,
    }),
    example: { kpi: 'checkout_conversion', value: 0.031, unit: 'ratio', dimensions: { region: 'eu' }, service: 'checkout' },
    serviceOf: serviceField,
  },
  {
    type: 'io.vigil.finops.cost',
    version: 'v1',
    practice: 'finops',
    description: 'A cost record, with FinOps FOCUS-like fields: provider, (cloud) service, resource, cost, currency, charge period and tags; tags.service names the Vigil service.',
    schema: {
      type: 'object',
      required: ['provider', 'service', 'cost', 'currency'],
      properties: {
        provider: text,
        service: { ...text, description: 'The billed cloud service (FOCUS ServiceName), e.g. AmazonEC2.' },
        resource: text,
        cost: { type: 'number' },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        periodStart: time,
        periodEnd: time,
        tags: stringMap,
      },
    },
    example: { provider: 'aws', service: 'AmazonEC2', resource: 'i-0abc123', cost: 12.37, currency: 'USD', periodStart: '2026-01-01T00:00:00Z', periodEnd: '2026-01-02T00:00:00Z', tags: { service: 'checkout', team: 'payments' } },
    serviceOf: (data) => textAt(data, 'tags', 'service'),
  },
];
