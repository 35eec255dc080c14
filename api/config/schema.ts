/**
 * Vigil's configuration: one typed schema, defaults in one table. Sources, lowest
 * to highest precedence: defaults < config file (--config vigil.yaml|json) <
 * environment (VIGIL_*) < CLI flags. README's configuration reference is this table.
 */
import { checkRouteChannels, parseChannels, parseRoutes } from '../notify/config.js';
import { parseFreezeCalendar } from '../xops/freeze-config.js';
import { parseCapacityLimits } from '../finops/limits-config.js';

/** `json`: a structured value (a list or map) in the config file, or JSON text in the environment. */
export type KeyType = 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'json';

export interface KeySpec {
  type: KeyType;
  default: string | number | boolean;
  description: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  /** Never printed or logged; read it from the environment or a file. */
  secret?: boolean;
  /** Other environment variables that set this key (the key's own name wins when both are set). */
  envAliases?: readonly string[];
  /**
   * Reads a `json` key's value (secrets resolved from `env`) and returns its typed form;
   * throws an Error whose message starts with the path at fault.
   */
  parse?: (value: unknown, context: { key: string; env: NodeJS.ProcessEnv }) => unknown;
}

export const CONFIG_KEYS = {
  'server.host': { type: 'string', default: '127.0.0.1', description: 'Address the HTTP server binds to (receivers, API and UI share it).' },
  'server.port': { type: 'integer', default: 4318, min: 0, max: 65535, description: 'HTTP port (4318 is the OTLP/HTTP default; 0 picks a free port).' },
  'store.kind': { type: 'enum', default: 'chdb', values: ['chdb', 'clickhouse'], description: 'Embedded ClickHouse (chDB) or a ClickHouse server.' },
  'store.dataDir': { type: 'string', default: './vigil-data', description: 'chDB data directory (embedded store).' },
  'store.url': { type: 'string', default: 'http://127.0.0.1:8123', envAliases: ['VIGIL_CLICKHOUSE_URL'], description: 'ClickHouse server URL (store.kind=clickhouse; every role but all and store); user and password may be given in it (http://user:password@host:8123). Also VIGIL_CLICKHOUSE_URL.' },
  'store.user': { type: 'string', default: 'default', description: 'ClickHouse user.' },
  'store.password': { type: 'string', default: '', secret: true, description: 'ClickHouse password (use VIGIL_STORE_PASSWORD).' },
  'store.database': { type: 'string', default: 'vigil', description: 'ClickHouse database, created when missing.' },
  'store.requestTimeoutMs': { type: 'integer', default: 30000, min: 100, description: 'ClickHouse server request timeout.' },
  'store.ttlDays': { type: 'integer', default: 30, min: 0, description: 'Days to keep telemetry and rollups (0 keeps forever); applied when tables are created.' },
  'ingest.maxBodyBytes': { type: 'integer', default: 16 * 1024 * 1024, min: 1024, description: 'Largest request body, measured after decompression.' },
  'ingest.maxAttributes': { type: 'integer', default: 128, min: 1, description: 'Most attributes on one resource, scope, record, span or event.' },
  'ingest.maxStringBytes': { type: 'integer', default: 64 * 1024, min: 64, description: 'Longest attribute value or attribute key.' },
  'ingest.maxBodyStringBytes': { type: 'integer', default: 1024 * 1024, min: 64, description: 'Longest log body or event data.' },
  'ingest.maxItemsPerRequest': { type: 'integer', default: 100_000, min: 1, description: 'Most records (log records, spans, data points, events) in one request.' },
  'ingest.queue.maxQueuedItems': { type: 'integer', default: 1_000_000, min: 1, description: 'Rows waiting for the writer before receivers answer 429/503.' },
  'ingest.queue.maxBatchItems': { type: 'integer', default: 200_000, min: 1, description: 'Most rows the writer commits in one group commit.' },
  'ingest.queue.lingerMs': { type: 'integer', default: 5, min: 0, max: 10_000, description: 'How long the writer waits for more requests to join a small batch.' },
  'ingest.queue.retryAfterSeconds': { type: 'integer', default: 1, min: 1, description: 'Retry-After sent with 429/503.' },
  'logs.templates.enabled': { type: 'boolean', default: true, description: 'Mine a template (pattern) from every log body at ingest and store its id with the row.' },
  'logs.templates.maxMinedChars': { type: 'integer', default: 4096, min: 64, description: 'Only this many leading characters of a body are mined.' },
  'logs.newPatternWarmupMinutes': { type: 'integer', default: 10, min: 0, description: 'Event-time minutes a service must have been logging before a template it logs for the first time is a new-pattern anomaly.' },
  'drills.changeWindow': { type: 'string', default: 'Mon-Fri 09:00-17:00', description: 'When drills against real targets may be approved and run: days (Mon-Sun, ranges or commas) and an hour range, UTC; "always" for no window.' },
  'drills.gameDayIntervalHours': { type: 'number', default: 0, min: 0, description: 'Run the game-day drills against the synthetic topology every this many hours (0: off).' },
  'drills.gameDayDrills': { type: 'string', default: '', description: 'Library drills a game day runs, comma-separated (empty: the whole library).' },
  'log.level': { type: 'enum', default: 'info', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], description: 'Log level of the structured JSON log.' },
  'detect.enabled': { type: 'boolean', default: true, description: 'Run the online detectors on the ingest stream (metrics, log rates, span rate/errors/latency).' },
  'detect.detector': { type: 'enum', default: 'vigil', values: ['vigil', 'zscore'], description: 'Online detector for every series.' },
  'detect.threshold': { type: 'number', default: 0.5, min: 0, max: 1, description: 'A score at or above this opens an anomaly.' },
  'detect.closeThreshold': { type: 'number', default: 0.3, min: 0, max: 1, description: 'An open anomaly stays open while scores reach this (hysteresis).' },
  'detect.quietPoints': { type: 'integer', default: 5, min: 1, description: 'Points in a row below detect.closeThreshold that close an anomaly.' },
  'detect.maxSeries': { type: 'integer', default: 1000, min: 1, description: 'Detector states kept in memory (about 0.75 MB each with the vigil detector); the least recently used are checkpointed and evicted.' },
  'detect.lagSeconds': { type: 'integer', default: 120, min: 0, max: 3600, description: 'Event-time lag before a minute is closed and scored (later data for it is dropped).' },
  'detect.rebaselineMinutes': { type: 'integer', default: 60, min: 0, description: 'An open anomaly stays open while its series is outside the band of normal it had at opening, for at most this many minutes (then a shift that persists is the new normal and only scores keep it open).' },
  'detect.earlyIntervalSeconds': { type: 'integer', default: 10, min: 0, max: 3600, description: 'Every this many event-time seconds, minutes not closed yet (the one in progress too) are scored on a copy of the detector, so an anomaly opens seconds after a fault starts; the closed minute confirms or closes it (0: off).' },
  'detect.earlyMinSamples': { type: 'integer', default: 20, min: 1, description: 'Spans a minute in progress needs before its error ratio and p95 latency are scored early.' },
  'detect.earlyMinElapsedSeconds': { type: 'integer', default: 30, min: 1, max: 60, description: 'Seconds into a minute before its counts (log and span rates, extrapolated to the minute) are scored early.' },
  'detect.maxGapMinutes': { type: 'integer', default: 60, min: 0, description: 'Silent minutes of a count series (logs, spans) scored as zeros: as its service\'s clock closes them, or when it speaks again.' },
  'detect.snapshotIntervalSeconds': { type: 'integer', default: 300, min: 1, description: 'How often changed detector states are checkpointed to the store (also on eviction and shutdown).' },
  'incidents.enabled': { type: 'boolean', default: true, description: 'Group anomalies into incidents with ranked root-cause suspects (needs detect.enabled).' },
  'incidents.settleSeconds': { type: 'integer', default: 15, min: 0, max: 600, description: 'Event time an incident waits after its first anomaly before it opens (and pages), so simultaneous anomalies join the first page.' },
  'incidents.groupWindowMinutes': { type: 'integer', default: 10, min: 1, description: 'An anomaly joins an incident whose evidence is at most this much event time older.' },
  'incidents.maxHops': { type: 'integer', default: 2, min: 0, max: 10, description: 'An anomaly joins an incident of a service at most this many call-graph hops away (service map, either direction).' },
  'incidents.quietMinutes': { type: 'integer', default: 5, min: 1, description: 'Event time with every anomaly of an incident closed before it resolves itself.' },
  'incidents.reopenWindowMinutes': { type: 'integer', default: 30, min: 0, description: 'A related anomaly this soon after resolution reopens the incident instead of opening another (flap suppression).' },
  'incidents.changeLookbackMinutes': { type: 'integer', default: 30, min: 1, description: 'Deploy, config and feature-flag events this long before onset are suspects.' },
  'incidents.minScore': { type: 'number', default: 0.6, min: 0, max: 1, description: 'Lowest anomaly peak score that opens an incident (weaker anomalies only join one).' },
  'incidents.topologyRefreshSeconds': { type: 'integer', default: 30, min: 1, description: 'How often the call graph the engine groups and ranks by is re-read from the service map (also whenever event time moved as much).' },
  'server.sseHeartbeatSeconds': { type: 'integer', default: 15, min: 1, description: 'Heartbeat comment interval on Server-Sent Events streams.' },
  'server.sseMaxBufferedEvents': { type: 'integer', default: 1000, min: 1, description: 'Events buffered for a slow SSE client before it is disconnected.' },
  'dora.failureWindowHours': { type: 'integer', default: 24, min: 1, max: 24 * 30, description: 'A deployment failed when an incident on its service (Vigil\'s or reported) or a rollback follows it within this many hours, before the service\'s next deployment.' },
  'dora.environments': { type: 'string', default: 'production,prod', description: 'Deployments to these environments (subject.content.environment.id, comma-separated, any case) count for DORA and change risk; empty counts every environment.' },
  'dora.leadTimeLookbackDays': { type: 'integer', default: 90, min: 1, description: 'Merged changes up to this many days before a range count towards the lead time of its deployments.' },
  'changeRisk.historyDays': { type: 'integer', default: 90, min: 1, description: 'Days of a service\'s deployment history behind its change failure rate factor.' },
  'changeRisk.sloErrorRatio': { type: 'number', default: 0.001, min: 0.000001, max: 1, description: 'Span error ratio a service may spend (its SLO budget, 0.001 = 99.9 %); the error-budget factor is its burn rate over the last hour.' },
  'changeRisk.freezeWindows': { type: 'json', default: '[]', parse: parseFreezeCalendar, description: 'Change-freeze calendar: a list of windows, weekly "Fri 16:00-Mon 08:00" (UTC) or absolute "2026-12-20T00:00:00Z/2027-01-04T00:00:00Z". A change inside one is at least high risk. In the environment, as JSON.' },
  'capacity.stepMinutes': { type: 'integer', default: 60, min: 1, max: 1440, description: 'Step of capacity forecasts: metrics are averaged per this many minutes (a daily season needs 1440 divisible by it).' },
  'capacity.historyDays': { type: 'integer', default: 28, min: 3, max: 365, description: 'Days of history a capacity forecast is fitted on (three weeks or more also tries a weekly season).' },
  'capacity.defaultHorizonHours': { type: 'integer', default: 168, min: 1, max: 2160, description: 'How far ahead GET /api/v1/capacity forecasts when no horizon is given.' },
  'capacity.intervalLevel': { type: 'number', default: 0.9, min: 0.5, max: 0.99, description: 'Coverage of the forecast prediction intervals (0.9: the 5th to the 95th percentile).' },
  'capacity.maxMetrics': { type: 'integer', default: 50, min: 1, max: 1000, description: 'Most metrics of one service forecast in one request (by name).' },
  'capacity.limits': { type: 'json', default: '{}', parse: parseCapacityLimits, description: 'Limits forecasts are compared with: a map of metric name (or service/metric) to a number, used when no <metric>.limit metric is reported. In the environment, as JSON.' },
  'cost.anomalyWindowDays': { type: 'integer', default: 28, min: 3, max: 365, description: 'Days of daily cost the cost-anomaly detector (windowed z-score) compares a day with.' },
  'cost.anomalyMinDays': { type: 'integer', default: 7, min: 2, description: 'Days of cost a group needs before its days can be cost anomalies.' },
  'cost.anomalyThreshold': { type: 'number', default: 0.999, min: 0, max: 1, description: 'Detector score at or above which a day\'s cost is an anomaly (0.999 is about 3.3 standard deviations).' },
  'cost.incidentRateDays': { type: 'integer', default: 7, min: 1, max: 90, description: 'Days before an incident whose cost gives each affected service\'s cost rate (the incident window costs rate × duration).' },
  'chatops.slackSigningSecret': { type: 'string', default: '', secret: true, description: 'Slack app signing secret: POST /api/v1/chatops/command accepts only requests signed with it (use VIGIL_CHATOPS_SLACK_SIGNING_SECRET or chatops.slackSigningSecretFile); empty turns ChatOps off.' },
  'chatops.slackSigningSecretFile': { type: 'string', default: '', description: 'File holding the Slack signing secret (trailing newline trimmed), instead of chatops.slackSigningSecret.' },
  'chatops.maxClockSkewSeconds': { type: 'integer', default: 300, min: 1, max: 3600, description: 'Slack requests whose X-Slack-Request-Timestamp is further than this from the clock are refused (replay protection; Slack recommends 5 minutes).' },
  'chatops.actionUsers': { type: 'string', default: '', description: 'Slack user ids or names (comma-separated) who may ack and silence from chat; empty lets every user of the signed workspace.' },
  role: { type: 'enum', default: 'all', values: ['all', 'gateway', 'writer', 'detector', 'api', 'store'], description: 'What this process runs: all (embedded, one process), gateway (receivers → Kafka), writer (Kafka → ClickHouse), detector (Kafka → online detection and incidents → ClickHouse and vigil.anomalies), api (REST API, UI and live stream over ClickHouse), store (embedded engine served over the ClickHouse HTTP interface).' },
  'kafka.brokers': { type: 'string', default: '', description: 'Kafka bootstrap brokers, host:port,… (gateway, writer, detector and api roles).' },
  'kafka.topicPartitions': { type: 'integer', default: 6, min: 1, description: 'Partitions of the vigil.* topics when Vigil creates them (the most writers that share one topic\'s load).' },
  'kafka.replicationFactor': { type: 'integer', default: -1, min: -1, description: 'Replicas of the vigil.* topics when Vigil creates them (-1: the broker\'s default.replication.factor).' },
  'kafka.publishTimeoutMs': { type: 'integer', default: 10000, min: 100, description: 'How long a gateway waits for Kafka to acknowledge a batch before answering 503 with Retry-After.' },
  'kafka.writerGroupId': { type: 'string', default: 'vigil-writer', description: 'Consumer group prefix of the writers (one group per topic: <prefix>.<signal>).' },
  'kafka.detectorGroupId': { type: 'string', default: 'vigil-detector', description: 'Consumer group prefix of the detectors (one group per topic: <prefix>.<signal>; the incident engine reads as <prefix>-incidents.<topic>).' },
  'clickhouse.enabled': { type: 'boolean', default: true, description: 'Serve the ClickHouse HTTP interface on clickhouse.port (embedded mode: the analyst SQL sandbox for clickhouse-connect, DBeaver, Grafana; full access for user vigil with auth.internalToken).' },
  'clickhouse.port': { type: 'integer', default: 8123, min: 0, max: 65535, description: 'Port of the ClickHouse HTTP interface, on server.host (0 picks a free port).' },
  'auth.mode': { type: 'enum', default: 'auto', values: ['auto', 'required', 'off'], description: 'API tokens: auto requires them when server.host is not a loopback address, required always, off never (refused on a public interface unless auth.insecureNoAuth).' },
  'auth.insecureNoAuth': { type: 'boolean', default: false, description: 'Run without authentication even on a public interface (--insecure-no-auth).' },
  'auth.internalToken': { type: 'string', default: '', secret: true, description: 'Token of the internal user vigil: admin on the API, full access (writes, DDL) on the ClickHouse HTTP interface (use VIGIL_AUTH_INTERNAL_TOKEN).' },
  'sql.maxExecutionSeconds': { type: 'integer', default: 30, min: 1, max: 3600, description: 'Longest a sandbox query may run (max_execution_time).' },
  'sql.maxResultRows': { type: 'integer', default: 1_000_000, min: 1, description: 'Most rows a sandbox query may return (max_result_rows).' },
  'sql.maxResultBytes': { type: 'integer', default: 128 * 1024 * 1024, min: 1024, description: 'Largest result a sandbox query may return, uncompressed (max_result_bytes).' },
  'sql.maxMemoryBytes': { type: 'integer', default: 1024 * 1024 * 1024, min: 1024 * 1024, description: 'Most memory a sandbox query may use (max_memory_usage).' },
  'datasets.exportChunkMinutes': { type: 'integer', default: 60, min: 1, description: 'CSV and Arrow dataset exports are read this many event-time minutes at a time (memory holds one chunk); the CLI shows progress by chunk.' },
  'datasets.maxExportRows': { type: 'integer', default: 50_000_000, min: 1, description: 'Most rows one query of a dataset export may return (a chunk; a Parquet export is one query).' },
  'datasets.maxExportBytes': { type: 'integer', default: 1024 * 1024 * 1024, min: 1024, description: 'Largest dataset export, uncompressed bytes.' },
  'offline.iforest.enabled': { type: 'boolean', default: true, description: 'Score every service\'s closed minutes with the active isolation forest model (when one has been trained with vigil train iforest) and write anomalies (detector iforest, signal service_features); needs detect.enabled.' },
  'offline.iforest.model': { type: 'string', default: 'default', description: 'Name of the isolation forest model the live detector scores with (the latest trained under this name is active).' },
  'offline.iforest.threshold': { type: 'number', default: 0.6, min: 0, max: 1, description: 'Lowest isolation score that opens an iforest anomaly (a service whose own training minutes score higher at the contamination quantile needs 0.01 above that instead).' },
  'offline.iforest.intervalSeconds': { type: 'integer', default: 60, min: 1, description: 'How often the live iforest detector reads newly closed minutes (and checks for a newer model).' },
  'offline.iforest.lagMinutes': { type: 'integer', default: 2, min: 0, max: 60, description: 'Event-time minutes behind the newest data before a minute is closed and scored (late spans and logs still count).' },
  'offline.iforest.trees': { type: 'integer', default: 100, min: 1, max: 1000, description: 'Trees per service in a trained forest.' },
  'offline.iforest.sampleSize': { type: 'integer', default: 256, min: 2, description: 'Rows each tree is grown on (the paper\'s 256).' },
  'offline.iforest.minSamples': { type: 'integer', default: 30, min: 2, description: 'Minutes of history a service needs to get a forest of its own.' },
  'offline.iforest.contamination': { type: 'number', default: 0.005, min: 0, max: 0.5, description: 'Share of training minutes assumed anomalous: a service\'s threshold is at least its training scores\' (1 - contamination) quantile.' },
  'notify.enabled': { type: 'boolean', default: true, description: 'Send notifications for incident transitions to the channels in notify.channels.' },
  'notify.channels': { type: 'json', default: '[]', parse: parseChannels, description: 'Where pages go: a list of { name, type, url, … } with type pagerduty, opsgenie, slack, alertmanager or webhook (see Paging). In the environment, as JSON.' },
  'notify.routes': { type: 'json', default: '[]', parse: parseRoutes, description: 'Which incidents go to which channels: a list of { services, severities, labels, channels, continue, default } (see Paging); none: every channel gets every incident. In the environment, as JSON.' },
  'notify.allowPrivateTargets': { type: 'boolean', default: false, description: 'Let channels reach loopback, private, link-local and other non-public addresses (off: such targets are refused, the SSRF guard).' },
  'notify.allowedHosts': { type: 'string', default: '', description: 'Comma-separated host names (or IP literals) channels may reach even when they resolve to non-public addresses.' },
  'notify.publicUrl': { type: 'string', default: '', description: 'Base URL of Vigil\'s web UI as people reach it, for links in pages (e.g. https://vigil.example.com); empty leaves links out.' },
  'notify.timeoutMs': { type: 'integer', default: 10000, min: 100, description: 'Time limit of one delivery attempt (DNS, connect, request, answer).' },
  'notify.retry.initialDelayMs': { type: 'integer', default: 1000, min: 1, description: 'Backoff before the second attempt; doubles per attempt, with full jitter, never below the receiver\'s Retry-After.' },
  'notify.retry.maxDelayMs': { type: 'integer', default: 60000, min: 1, description: 'Longest backoff between two attempts (a longer Retry-After is still honoured).' },
  'notify.retry.deadlineSeconds': { type: 'integer', default: 900, min: 1, description: 'A delivery not accepted within this long after its first attempt is recorded as failed.' },
  'notify.alertmanagerResendSeconds': { type: 'integer', default: 60, min: 1, description: 'How often firing alerts are re-posted to Alertmanager channels (each carries endsAt four intervals ahead, as Prometheus does).' },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

type ValueOf<K extends ConfigKey> = (typeof CONFIG_KEYS)[K] extends { parse: (...args: never[]) => infer R }
  ? R
  : (typeof CONFIG_KEYS)[K]['type'] extends 'boolean'
  ? boolean
  : (typeof CONFIG_KEYS)[K]['type'] extends 'integer' | 'number'
    ? number
    : string;

export type FlatConfig = { [K in ConfigKey]: ValueOf<K> };

/** Checks across keys, run once every source is applied; each throws an Error naming the key. */
export const CROSS_CHECKS: ReadonlyArray<(config: FlatConfig) => void> = [
  (config) => checkRouteChannels(config['notify.routes'], config['notify.channels']),
];

/** `store.dataDir` → `VIGIL_STORE_DATA_DIR`. */
export function envName(key: string): string {
  return 'VIGIL_' + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/\./g, '_').toUpperCase();
}
