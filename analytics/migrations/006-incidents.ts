import { MERGE_TREE_SETTINGS, ttlClause, type Migration } from './types.js';

/**
 * Incidents (one row per transition, the latest version wins), their timelines, and the
 * calls services make to peers that send no spans of their own (databases, caches,
 * queues, external APIs), so the service map and root-cause ranking can name them.
 */
export const incidents: Migration = {
  version: 6,
  name: 'incidents-timeline-peer-calls',
  statements: (options) => [
    // Read with FINAL (or argMax by Version). DORA reads IncidentId, Services, RootService,
    // StartTime, ResolvedAt (0 when unresolved) and Status. EngineState is what the
    // incident engine needs to continue the incident after a restart.
    `CREATE TABLE IF NOT EXISTS incidents (
    IncidentId String,
    Fingerprint String,
    Title String CODEC(ZSTD(1)),
    Status LowCardinality(String),
    Severity LowCardinality(String),
    Services Array(String) CODEC(ZSTD(1)),
    RootService LowCardinality(String),
    StartTime DateTime64(3),
    UpdatedTime DateTime64(3),
    AcknowledgedAt DateTime64(3),
    AcknowledgedBy String,
    ResolvedAt DateTime64(3),
    ResolvedBy String,
    AnomalyIds Array(String) CODEC(ZSTD(1)),
    Suspects String CODEC(ZSTD(3)),
    Version UInt32,
    EngineState String CODEC(ZSTD(3)),
    WrittenAt DateTime64(3) DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(Version)
ORDER BY IncidentId
${ttlClause('toDateTime(StartTime)', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,

    // One row per event in an incident's life; a re-emitted entry (same kind, ref and
    // time) replaces itself.
    `CREATE TABLE IF NOT EXISTS incident_timeline (
    IncidentId String,
    Time DateTime64(3),
    Kind LowCardinality(String),
    Ref String,
    Message String CODEC(ZSTD(1)),
    Attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    WrittenAt DateTime64(3) DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(WrittenAt)
ORDER BY (IncidentId, Time, Kind, Ref)
${ttlClause('toDateTime(Time)', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,

    // Client and producer spans that name their peer (OpenTelemetry semantic conventions:
    // peer.service, else db.system (+ db.namespace / db.name), else messaging.system
    // (+ destination), else server.address / net.peer.name). Whether the peer is in fact
    // instrumented (its server span is a child of this span) is decided when reading,
    // since the child may arrive later.
    `CREATE TABLE IF NOT EXISTS service_peer_calls (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Caller LowCardinality(String),
    Callee LowCardinality(String),
    CalleeKind LowCardinality(String),
    SpanName LowCardinality(String),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    DurationNs UInt64,
    IsError UInt8
) ENGINE = ReplacingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (Caller, Callee, Minute, TraceId, SpanId)
${ttlClause('Minute', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS service_peer_calls_mv TO service_peer_calls AS
WITH SpanAttributes['db.system'] AS DbSystem,
    if(SpanAttributes['db.namespace'] != '', SpanAttributes['db.namespace'], SpanAttributes['db.name']) AS DbNamespace,
    SpanAttributes['messaging.system'] AS MessagingSystem,
    SpanAttributes['messaging.destination.name'] AS Destination
SELECT toStartOfMinute(toDateTime(Timestamp)) AS Minute, ServiceName AS Caller,
    multiIf(SpanAttributes['peer.service'] != '', SpanAttributes['peer.service'],
        DbSystem != '', if(DbNamespace != '', concat(DbSystem, '/', DbNamespace), DbSystem),
        MessagingSystem != '', if(Destination != '', concat(MessagingSystem, '/', Destination), MessagingSystem),
        SpanAttributes['server.address'] != '', SpanAttributes['server.address'],
        SpanAttributes['net.peer.name']) AS Callee,
    multiIf(DbSystem IN ('redis', 'memcached', 'hazelcast', 'aerospike', 'valkey'), 'cache', DbSystem != '', 'database',
        MessagingSystem != '', 'queue', SpanAttributes['peer.service'] != '', 'service', 'external') AS CalleeKind,
    SpanName, TraceId, SpanId, Duration AS DurationNs, toUInt8(StatusCode = 'Error') AS IsError
FROM otel_traces
WHERE SpanKind IN ('Client', 'Producer') AND Callee != '' AND Callee != ServiceName`,
  ],
};
