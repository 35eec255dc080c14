import type { QueryOptions, Store } from '../store.js';

/**
 * The curated datasets (views of migration 011) and the named queries that read them:
 * exports by time range, training rows for offline detectors, and the detector_models
 * table. The registry is the one description of each dataset: the API lists it, the CLI
 * prints it, README "Datasets" documents it (a test holds them together).
 */
export interface DatasetColumn {
  name: string;
  type: string;
  description: string;
}

export interface Dataset {
  name: string;
  description: string;
  /** The event-time column exports filter and order by. */
  timeColumn: string;
  columns: readonly DatasetColumn[];
}

const col = (name: string, type: string, description: string): DatasetColumn => ({ name, type, description });

export const DATASETS: readonly Dataset[] = [
  {
    name: 'dataset_metric_anomalies_labeled',
    description: 'Every scored series point (metrics, log rates, span rate/errors/latency) labelled with the anomaly and the incident covering it: training and evaluation data for series detectors.',
    timeColumn: 'Time',
    columns: [
      col('Time', 'DateTime64(3)', 'Start of the event-time minute'),
      col('SeriesKey', 'String', 'The series (<signal>:<service>:<name>:<stat>[:<attributes>])'),
      col('Signal', 'String', 'metric, log_rate, log_pattern, span_rate, span_errors or span_latency'),
      col('ServiceName', 'String', 'Service of the series'),
      col('Name', 'String', 'Metric name, severity, template id or span name'),
      col('Stat', 'String', 'value, rate, mean, p95, count or ratio'),
      col('Value', 'Float64', 'The minute\'s value'),
      col('Expected', 'Float64', 'What the detector expected'),
      col('Lower', 'Float64', 'Lower edge of the band of normal'),
      col('Upper', 'Float64', 'Upper edge of the band of normal'),
      col('Score', 'Float64', 'Anomaly score, 0..1'),
      col('IsAnomaly', 'UInt8', '1 when an anomaly of this series covers the point'),
      col('AnomalyId', 'String', 'That anomaly (empty when none)'),
      col('Detector', 'String', 'The detector that found it'),
      col('InIncident', 'UInt8', '1 when an incident on the service covers the point'),
      col('IncidentId', 'String', 'That incident (empty when none)'),
      col('IncidentSeverity', 'String', 'Its severity'),
    ],
  },
  {
    name: 'dataset_log_patterns_1m',
    description: 'Log records per minute by service, pattern (template) and severity, with the template text and when it was first seen.',
    timeColumn: 'Minute',
    columns: [
      col('Minute', 'DateTime', 'Event-time minute'),
      col('ServiceName', 'LowCardinality(String)', 'Service'),
      col('TemplateId', 'LowCardinality(String)', 'Pattern id'),
      col('Template', 'String', 'Pattern text (<*> for variables)'),
      col('SeverityText', 'LowCardinality(String)', 'Severity text'),
      col('SeverityNumber', 'UInt8', 'OpenTelemetry severity number (17+ is an error)'),
      col('Count', 'UInt64', 'Records in the minute'),
      col('FirstSeen', 'DateTime64(9)', 'When the pattern was first seen anywhere'),
      col('FirstMinute', 'UInt8', '1 in the minute the pattern was first seen'),
    ],
  },
  {
    name: 'dataset_spans_red_1m',
    description: 'Span RED per minute by service, span name and kind: calls, errors, error ratio and duration quantiles.',
    timeColumn: 'Minute',
    columns: [
      col('Minute', 'DateTime', 'Event-time minute'),
      col('ServiceName', 'LowCardinality(String)', 'Service'),
      col('SpanName', 'LowCardinality(String)', 'Span (operation) name'),
      col('SpanKind', 'LowCardinality(String)', 'Server, Client, Internal, Producer or Consumer'),
      col('Calls', 'UInt64', 'Spans in the minute'),
      col('Errors', 'UInt64', 'Spans with status Error'),
      col('ErrorRatio', 'Float64', 'Errors / Calls'),
      col('AvgMs', 'Float64', 'Mean duration, milliseconds'),
      col('P50Ms', 'Float64', 'Median duration, milliseconds (t-digest)'),
      col('P95Ms', 'Float64', '95th percentile duration, milliseconds'),
      col('P99Ms', 'Float64', '99th percentile duration, milliseconds'),
    ],
  },
  {
    name: 'dataset_incidents',
    description: 'Vigil\'s incidents (latest version of each) with services, ranked suspects and how they were resolved.',
    timeColumn: 'StartTime',
    columns: [
      col('IncidentId', 'String', 'Incident id'),
      col('Title', 'String', 'Title'),
      col('Status', 'LowCardinality(String)', 'open, acknowledged or resolved'),
      col('Severity', 'LowCardinality(String)', 'Severity'),
      col('Services', 'Array(String)', 'Services involved'),
      col('RootService', 'LowCardinality(String)', 'Service the engine ranked as the root cause'),
      col('StartTime', 'DateTime64(3)', 'Onset'),
      col('AcknowledgedAt', 'Nullable(DateTime64(3))', 'When acknowledged (null: never)'),
      col('AcknowledgedBy', 'String', 'Who acknowledged'),
      col('ResolvedAt', 'Nullable(DateTime64(3))', 'When resolved (null: unresolved)'),
      col('ResolvedBy', 'String', 'Who resolved (empty when Vigil resolved it as quiet)'),
      col('Resolution', 'String', 'manual, auto (resolved by Vigil after incidents.quietMinutes) or empty while unresolved'),
      col('SecondsToAcknowledge', 'Nullable(Float64)', 'AcknowledgedAt - StartTime'),
      col('SecondsToResolve', 'Nullable(Float64)', 'ResolvedAt - StartTime'),
      col('AnomalyCount', 'UInt64', 'Anomalies grouped into it'),
      col('AnomalyIds', 'Array(String)', 'Those anomalies'),
      col('TopSuspectKind', 'String', 'service, pattern or change'),
      col('TopSuspect', 'String', 'The first-ranked suspect'),
      col('TopSuspectService', 'String', 'Its service'),
      col('Suspects', 'String', 'Every suspect, JSON: [{ kind, name, service, rank, confidence, explanation, evidence, ref }]'),
    ],
  },
  {
    name: 'dataset_changes_outcomes',
    description: 'Each deployment (CDEvents service.deployed / upgraded) with the first failure after it on its service — an incident (Vigil\'s or reported) or a rollback before the next deployment — and whether it failed within 24 hours (the dora.failureWindowHours default).',
    timeColumn: 'Time',
    columns: [
      col('Time', 'DateTime64(9)', 'When deployed'),
      col('DeploymentRef', 'String', 'source/id of the event'),
      col('ServiceName', 'LowCardinality(String)', 'Service deployed'),
      col('Team', 'String', 'Team'),
      col('Environment', 'String', 'Environment id'),
      col('ArtifactId', 'String', 'Artifact deployed'),
      col('Version', 'String', 'Version'),
      col('Changes', 'Array(String)', 'Change ids or commits shipped, when listed'),
      col('NextDeployTime', 'Nullable(DateTime64(9))', 'The service\'s next deployment'),
      col('FirstFailureTime', 'Nullable(DateTime64(9))', 'First failure after it, before the next deployment (null: none)'),
      col('FirstFailureKind', 'String', 'incident, reported-incident or rollback'),
      col('FirstFailureRef', 'String', 'Incident id or source/id of the event'),
      col('HoursToFailure', 'Nullable(Float64)', 'FirstFailureTime - Time, hours (apply your own window with it)'),
      col('Failed', 'UInt8', '1 when HoursToFailure <= 24'),
    ],
  },
  {
    name: 'dataset_service_features_1m',
    description: 'One feature vector per service and minute: RED from server-side spans, log error rate and resource gauges (what vigil train iforest learns from and the iforest detector scores).',
    timeColumn: 'Minute',
    columns: [
      col('Minute', 'DateTime', 'Event-time minute'),
      col('ServiceName', 'LowCardinality(String)', 'Service'),
      col('Calls', 'UInt64', 'Server and consumer spans in the minute'),
      col('Errors', 'UInt64', 'Of which errors'),
      col('ErrorRatio', 'Float64', 'Errors / Calls'),
      col('P95Ms', 'Nullable(Float64)', '95th percentile span duration, milliseconds'),
      col('LogRecords', 'UInt64', 'Log records in the minute'),
      col('LogErrors', 'UInt64', 'Log records at ERROR or worse'),
      col('LogErrorRatio', 'Float64', 'LogErrors / LogRecords'),
      col('CpuUtilization', 'Nullable(Float64)', 'Mean of process/system/container/k8s.pod .cpu.utilization gauges (null: none sent)'),
      col('MemoryBytes', 'Nullable(Float64)', 'Mean of process/container/k8s.pod/system .memory.usage gauges (null: none sent)'),
    ],
  },
];

export function findDataset(name: string): Dataset | undefined {
  return DATASETS.find((d) => d.name === name);
}

const NUMERIC_TYPE = /^(?:Nullable\()?(?:U?Int\d+|Float\d+)\)?$/;

/** Columns of a dataset a model can learn from (numbers). */
export function numericColumns(dataset: Dataset): string[] {
  return dataset.columns.filter((c) => NUMERIC_TYPE.test(c.type)).map((c) => c.name);
}

export interface MsRange {
  sinceMs: number;
  untilMs: number;
}

/**
 * One time slice of a dataset in a ClickHouse output format, ordered by time. The view and
 * its time column come from the registry (never from the caller); the range is bound.
 */
export async function exportDatasetSlice(store: Store, dataset: Dataset, format: string, range: MsRange, options: QueryOptions): Promise<Buffer> {
  return store.queryRaw(
    `SELECT * FROM ${dataset.name}
    WHERE ${dataset.timeColumn} >= fromUnixTimestamp64Milli({since:Int64}) AND ${dataset.timeColumn} < fromUnixTimestamp64Milli({until:Int64})
    ORDER BY ${dataset.timeColumn}`,
    format,
    { since: String(Math.floor(range.sinceMs)), until: String(Math.floor(range.untilMs)) },
    options,
  );
}

export interface FeatureRow {
  service: string;
  minuteMs: number;
  /** In the order of the requested features; null where the dataset has none. */
  values: Array<number | null>;
}

/**
 * Per-service feature vectors of a dataset with `ServiceName` and a minute time column, in
 * time order. Feature names must be numeric columns of the dataset (the caller checks them
 * against the registry: they are spliced as identifiers).
 */
export async function datasetFeatureRows(store: Store, dataset: Dataset, features: readonly string[], range: MsRange, limit = 5_000_000): Promise<FeatureRow[]> {
  const allowed = new Set(numericColumns(dataset));
  for (const f of features) if (!allowed.has(f)) throw new Error(`${f} is not a numeric column of ${dataset.name}`);
  if (!dataset.columns.some((c) => c.name === 'ServiceName')) throw new Error(`${dataset.name} has no ServiceName column`);
  const rows = await store.query<{ s: string; t: string; v: Array<number | null> }>(
    `SELECT ServiceName AS s, toString(toUnixTimestamp(${dataset.timeColumn}) * 1000) AS t, [${features.map((f) => `toNullable(toFloat64(${f}))`).join(', ')}] AS v
    FROM ${dataset.name}
    WHERE ${dataset.timeColumn} >= fromUnixTimestamp64Milli({since:Int64}) AND ${dataset.timeColumn} < fromUnixTimestamp64Milli({until:Int64})
    ORDER BY ${dataset.timeColumn}, ServiceName
    LIMIT {limit:UInt64}`,
    { since: String(Math.floor(range.sinceMs)), until: String(Math.floor(range.untilMs)), limit },
  );
  return rows.map((r) => ({ service: r.s, minuteMs: Number(r.t), values: r.v.map((x) => (x === null ? null : Number(x))) }));
}

/** The newest minute of span and log rollups (ms), or 0 when empty: where event time stands for the per-minute datasets. */
export async function rollupLatestMinuteMs(store: Store): Promise<number> {
  const [row] = await store.query<{ t: string }>(
    `SELECT toString(greatest((SELECT toUnixTimestamp(max(Minute)) FROM span_red_per_minute), (SELECT toUnixTimestamp(max(Minute)) FROM logs_per_minute)) * 1000) AS t`,
  );
  return Number(row?.t ?? 0);
}

export interface DetectorModelRecord {
  name: string;
  kind: string;
  dataset: string;
  features: string[];
  trainedSinceMs: number;
  trainedUntilMs: number;
  samples: number;
  /** The serialized model (JSON). */
  model: string;
  createdMs: number;
}

function msText(ms: number): string {
  const t = Math.max(0, Math.floor(ms));
  return `${String(Math.floor(t / 1000)).padStart(9, '0')}.${String(t % 1000).padStart(3, '0')}`;
}

export async function saveDetectorModel(store: Store, m: DetectorModelRecord): Promise<void> {
  const row = {
    Name: m.name,
    Kind: m.kind,
    Dataset: m.dataset,
    Features: m.features,
    TrainedSince: msText(m.trainedSinceMs),
    TrainedUntil: msText(m.trainedUntilMs),
    Samples: m.samples,
    Model: m.model,
    CreatedAt: msText(m.createdMs),
  };
  await store.insertJsonEachRow('detector_models', Buffer.from(JSON.stringify(row)), { dedupToken: `model/${m.name}/${m.createdMs}` });
}

const MODEL_COLUMNS = `Name AS name, Kind AS kind, Dataset AS dataset, Features AS features, toString(toUnixTimestamp64Milli(TrainedSince)) AS trainedSinceMs,
    toString(toUnixTimestamp64Milli(TrainedUntil)) AS trainedUntilMs, toString(Samples) AS samples, toString(toUnixTimestamp64Milli(CreatedAt)) AS createdMs`;

function modelOf(r: Record<string, unknown>): DetectorModelRecord {
  return {
    ...(r as unknown as DetectorModelRecord),
    trainedSinceMs: Number(r.trainedSinceMs),
    trainedUntilMs: Number(r.trainedUntilMs),
    samples: Number(r.samples),
    createdMs: Number(r.createdMs),
    model: String(r.model ?? ''),
  };
}

/** The active (latest) model of a name, with its serialized body; undefined when none was trained. */
export async function activeDetectorModel(store: Store, name: string): Promise<DetectorModelRecord | undefined> {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT ${MODEL_COLUMNS}, Model AS model FROM detector_models WHERE Name = {name:String} ORDER BY CreatedAt DESC LIMIT 1`,
    { name },
  );
  return rows[0] ? modelOf(rows[0]) : undefined;
}

/** When the latest model of a name was created (ms), or 0: a cheap check for a newer model. */
export async function detectorModelVersion(store: Store, name: string): Promise<number> {
  const [row] = await store.query<{ t: string }>(`SELECT toString(toUnixTimestamp64Milli(max(CreatedAt))) AS t FROM detector_models WHERE Name = {name:String}`, { name });
  return Number(row?.t ?? 0);
}

export interface IncidentWindow {
  id: string;
  services: string[];
  startMs: number;
  /** 0 while unresolved. */
  resolvedMs: number;
}

/** Incidents (latest version) that started before `until` and were not resolved before `since`: the labels of a backtest. */
export async function incidentWindows(store: Store, range: MsRange): Promise<IncidentWindow[]> {
  const rows = await store.query<{ id: string; services: string[]; s: string; r: string }>(
    `SELECT IncidentId AS id, Services AS services, toString(toUnixTimestamp64Milli(StartTime)) AS s, toString(toUnixTimestamp64Milli(ResolvedAt)) AS r
    FROM incidents FINAL
    WHERE StartTime < fromUnixTimestamp64Milli({until:Int64})
      AND (toUnixTimestamp64Milli(ResolvedAt) = 0 OR ResolvedAt >= fromUnixTimestamp64Milli({since:Int64}))
    ORDER BY StartTime`,
    { since: String(Math.floor(range.sinceMs)), until: String(Math.floor(range.untilMs)) },
  );
  return rows.map((r) => ({ id: r.id, services: r.services, startMs: Number(r.s), resolvedMs: Number(r.r) }));
}

export interface DetectorModelSummary extends Omit<DetectorModelRecord, 'model'> {
  /** Services the model has a forest for. */
  services: string[];
}

/** Every stored model version (without its body), newest first. */
export async function listDetectorModels(store: Store, limit = 100): Promise<DetectorModelSummary[]> {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT ${MODEL_COLUMNS}, if(Kind = 'iforest', JSONExtractKeys(Model, 'services'), []) AS services
    FROM detector_models ORDER BY CreatedAt DESC LIMIT {limit:UInt32}`,
    { limit },
  );
  return rows.map((r) => {
    const { model: _body, ...summary } = modelOf(r);
    return { ...summary, services: r.services as string[] };
  });
}
