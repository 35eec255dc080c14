import { MERGE_TREE_SETTINGS, type Migration } from './types.js';

/**
 * Curated datasets for offline work (views over the rollups and what Vigil found, each
 * documented in analytics/queries/datasets.ts and README "Datasets"), and the table of
 * offline detector models. Views hold no data: they read the same rows the API does, so a
 * dataset is as fresh as the tables under it.
 */

/** The resource gauges a service's feature vector reads (OpenTelemetry semantic conventions). */
const CPU_METRICS = ['process.cpu.utilization', 'system.cpu.utilization', 'container.cpu.utilization', 'k8s.pod.cpu.utilization'];
const MEMORY_METRICS = ['process.memory.usage', 'container.memory.usage', 'k8s.pod.memory.usage', 'system.memory.usage'];
const list = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

/** OpenTelemetry SeverityNumber 17 = ERROR (17–24: ERROR … FATAL4). */
const ERROR_SEVERITY = 17;

/**
 * A deployment failed when a failure follows it within this many hours, before the
 * service's next deployment: the default of dora.failureWindowHours (HoursToFailure lets
 * a reader apply another window).
 */
const FAILURE_WINDOW_HOURS = 24;

export const datasets: Migration = {
  version: 11,
  name: 'datasets-detector-models',
  statements: () => [
    // Every trained version is kept (MergeTree): the active model of a name is its latest.
    `CREATE TABLE IF NOT EXISTS detector_models (
    Name String,
    Kind LowCardinality(String),
    Dataset String,
    Features Array(String),
    TrainedSince DateTime64(3),
    TrainedUntil DateTime64(3),
    Samples UInt64,
    Model String CODEC(ZSTD(3)),
    CreatedAt DateTime64(3)
) ENGINE = MergeTree
ORDER BY (Name, CreatedAt)
SETTINGS ${MERGE_TREE_SETTINGS}`,

    `CREATE VIEW IF NOT EXISTS dataset_spans_red_1m AS
SELECT Minute, ServiceName, SpanName, SpanKind, CallCount AS Calls, ErrorCount AS Errors,
    if(CallCount = 0, 0, ErrorCount / CallCount) AS ErrorRatio, if(CallCount = 0, 0, DurationNs / CallCount / 1e6) AS AvgMs,
    Q[1] / 1e6 AS P50Ms, Q[2] / 1e6 AS P95Ms, Q[3] / 1e6 AS P99Ms
FROM (
    SELECT Minute, ServiceName, SpanName, SpanKind, sum(Calls) AS CallCount, sum(Errors) AS ErrorCount, sum(DurationSumNs) AS DurationNs,
        quantilesTDigestMerge(0.5, 0.95, 0.99)(DurationQuantiles) AS Q
    FROM span_red_per_minute
    GROUP BY Minute, ServiceName, SpanName, SpanKind
)`,

    `CREATE VIEW IF NOT EXISTS dataset_log_patterns_1m AS
SELECT p.Minute AS Minute, p.ServiceName AS ServiceName, p.TemplateId AS TemplateId, t.Template AS Template,
    p.SeverityText AS SeverityText, p.SeverityNumber AS SeverityNumber, p.Count AS Count,
    t.FirstSeen AS FirstSeen, toUInt8(p.Minute = toStartOfMinute(t.FirstSeen)) AS FirstMinute
FROM (
    SELECT Minute, ServiceName, TemplateId, SeverityText, SeverityNumber, sum(Count) AS Count
    FROM log_templates_per_minute
    GROUP BY Minute, ServiceName, TemplateId, SeverityText, SeverityNumber
) AS p
LEFT JOIN (
    SELECT TemplateId, CAST(anyLast(Template), 'String') AS Template, CAST(min(FirstSeen), 'DateTime64(9)') AS FirstSeen FROM log_templates GROUP BY TemplateId
) AS t ON p.TemplateId = t.TemplateId`,

    // Anomalies of a series never overlap (hysteresis), so the latest one started at or
    // before a point is the only one that can cover it; likewise for incidents per service,
    // where the latest started is the one a reader means.
    `CREATE VIEW IF NOT EXISTS dataset_metric_anomalies_labeled AS
WITH scores AS (
    SELECT SeriesKey, Time, Value, Expected, Lower, Upper, Score,
        splitByChar(':', SeriesKey)[1] AS Signal,
        decodeURLComponent(splitByChar(':', SeriesKey)[2]) AS ServiceName,
        decodeURLComponent(splitByChar(':', SeriesKey)[3]) AS Name,
        splitByChar(':', SeriesKey)[4] AS Stat
    FROM series_scores FINAL
),
windows AS (
    SELECT SeriesKey, toDateTime64(StartTime, 3) AS AnomalyStart, toDateTime64(EndTime, 3) AS AnomalyEnd, AnomalyId, Detector, PeakScore
    FROM anomalies FINAL
),
incident_windows AS (
    SELECT arrayJoin(Services) AS ServiceName, StartTime AS IncidentStart,
        if(toUnixTimestamp64Milli(ResolvedAt) = 0, toDateTime64('2262-01-01 00:00:00', 3), ResolvedAt) AS IncidentEnd, IncidentId, Severity
    FROM incidents FINAL
),
labeled AS (
    SELECT s.*, w.AnomalyStart, w.AnomalyEnd, w.AnomalyId AS CandidateAnomalyId, w.Detector AS CandidateDetector
    FROM scores AS s ASOF LEFT JOIN windows AS w ON s.SeriesKey = w.SeriesKey AND s.Time >= w.AnomalyStart
)
SELECT l.Time AS Time, l.SeriesKey AS SeriesKey, l.Signal AS Signal, l.ServiceName AS ServiceName, l.Name AS Name, l.Stat AS Stat,
    l.Value AS Value, l.Expected AS Expected, l.Lower AS Lower, l.Upper AS Upper, l.Score AS Score,
    toUInt8(l.CandidateAnomalyId != '' AND l.Time <= l.AnomalyEnd) AS IsAnomaly,
    if(IsAnomaly = 1, l.CandidateAnomalyId, '') AS AnomalyId,
    if(IsAnomaly = 1, l.CandidateDetector, '') AS Detector,
    toUInt8(i.IncidentId != '' AND l.Time <= i.IncidentEnd) AS InIncident,
    if(InIncident = 1, i.IncidentId, '') AS IncidentId,
    if(InIncident = 1, i.Severity, '') AS IncidentSeverity
FROM labeled AS l ASOF LEFT JOIN incident_windows AS i ON l.ServiceName = i.ServiceName AND l.Time >= i.IncidentStart`,

    `CREATE VIEW IF NOT EXISTS dataset_incidents AS
SELECT IncidentId, Title, Status, Severity, Services, RootService, StartTime,
    if(AckMs = 0, NULL, AcknowledgedAt) AS AcknowledgedAt, AcknowledgedBy,
    if(ResolvedMs = 0, NULL, ResolvedAt) AS ResolvedAt, ResolvedBy,
    multiIf(Status != 'resolved', '', ResolvedBy = '', 'auto', 'manual') AS Resolution,
    if(AckMs = 0, NULL, (AckMs - StartMs) / 1000) AS SecondsToAcknowledge,
    if(ResolvedMs = 0, NULL, (ResolvedMs - StartMs) / 1000) AS SecondsToResolve,
    length(AnomalyIds) AS AnomalyCount, AnomalyIds,
    JSONExtractString(Suspects, 1, 'kind') AS TopSuspectKind,
    JSONExtractString(Suspects, 1, 'name') AS TopSuspect,
    JSONExtractString(Suspects, 1, 'service') AS TopSuspectService,
    Suspects
FROM (
    SELECT *, toUnixTimestamp64Milli(StartTime) AS StartMs, toUnixTimestamp64Milli(AcknowledgedAt) AS AckMs, toUnixTimestamp64Milli(ResolvedAt) AS ResolvedMs
    FROM incidents FINAL
)`,

    // A failure is one of Vigil's incidents on the service, an incident reported as a
    // CDEvent, or a rollback, as DORA counts them (detectors/dora/outcomes.ts).
    `CREATE VIEW IF NOT EXISTS dataset_changes_outcomes AS
WITH deploys AS (
    SELECT Time, concat(Source, '/', Id) AS DeploymentRef, ServiceName, Team, Environment, ArtifactId, Version, Changes,
        leadInFrame(Time) OVER (PARTITION BY ServiceName ORDER BY Time ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS NextDeployTime
    FROM xops_deployments
),
failures AS (
    SELECT 'incident' AS Kind, IncidentId AS Ref, arrayJoin(Services) AS ServiceName, toDateTime64(StartTime, 9) AS FailureTime FROM incidents FINAL
    UNION ALL
    SELECT 'reported-incident', IncidentId, ServiceName, Time FROM xops_incidents_reported WHERE Kind IN ('detected', 'reported')
    UNION ALL
    SELECT 'rollback', concat(Source, '/', Id), ServiceName, Time FROM xops_rollbacks
),
matched AS (
    SELECT d.Time AS Time, d.DeploymentRef AS DeploymentRef, d.ServiceName AS ServiceName, d.Team AS Team, d.Environment AS Environment,
        d.ArtifactId AS ArtifactId, d.Version AS Version, d.Changes AS Changes, d.NextDeployTime AS NextTime,
        f.Kind AS Kind, f.Ref AS Ref, f.FailureTime AS FailureTime,
        f.Ref != '' AND (f.FailureTime > d.Time OR (f.FailureTime = d.Time AND f.Kind != 'rollback'))
            AND (toUnixTimestamp64Nano(d.NextDeployTime) = 0 OR f.FailureTime < d.NextDeployTime) AS Follows
    FROM deploys AS d LEFT JOIN failures AS f ON d.ServiceName = f.ServiceName
)
SELECT Time, DeploymentRef, ServiceName, Team, Environment, ArtifactId, Version, Changes,
    if(toUnixTimestamp64Nano(any(NextTime)) = 0, NULL, any(NextTime)) AS NextDeployTime,
    if(countIf(Follows) = 0, NULL, minIf(FailureTime, Follows)) AS FirstFailureTime,
    argMinIf(Kind, FailureTime, Follows) AS FirstFailureKind,
    argMinIf(Ref, FailureTime, Follows) AS FirstFailureRef,
    if(FirstFailureTime IS NULL, NULL, (toUnixTimestamp64Milli(FirstFailureTime) - toUnixTimestamp64Milli(Time)) / 3600000) AS HoursToFailure,
    toUInt8(ifNull(HoursToFailure <= ${FAILURE_WINDOW_HOURS}, 0)) AS Failed
FROM matched
GROUP BY Time, DeploymentRef, ServiceName, Team, Environment, ArtifactId, Version, Changes`,

    // One row per service and minute: the feature vector the iforest detector scores. RED
    // from server-side spans (client and producer spans are the callers' view of others).
    `CREATE VIEW IF NOT EXISTS dataset_service_features_1m AS
SELECT Minute, ServiceName, CallCount AS Calls, ErrorCount AS Errors, if(CallCount = 0, 0, ErrorCount / CallCount) AS ErrorRatio,
    P95 AS P95Ms, LogCount AS LogRecords, LogErrorCount AS LogErrors, if(LogCount = 0, 0, LogErrorCount / LogCount) AS LogErrorRatio,
    CpuUtilization, MemoryBytes
FROM (
SELECT Minute, ServiceName, sum(SpanCalls) AS CallCount, sum(SpanErrors) AS ErrorCount, max(P95Ms) AS P95,
    sum(LogRecords) AS LogCount, sum(LogErrors) AS LogErrorCount, max(Cpu) AS CpuUtilization, max(Memory) AS MemoryBytes
FROM (
    SELECT Minute, ServiceName, sum(Calls) AS SpanCalls, sum(Errors) AS SpanErrors,
        CAST(quantilesTDigestMerge(0.95)(DurationQuantiles)[1] / 1e6, 'Nullable(Float64)') AS P95Ms,
        toUInt64(0) AS LogRecords, toUInt64(0) AS LogErrors, CAST(NULL, 'Nullable(Float64)') AS Cpu, CAST(NULL, 'Nullable(Float64)') AS Memory
    FROM span_red_per_minute WHERE SpanKind NOT IN ('Client', 'Producer')
    GROUP BY Minute, ServiceName
    UNION ALL
    SELECT Minute, ServiceName, toUInt64(0), toUInt64(0), NULL, sum(Count), sumIf(Count, SeverityNumber >= ${ERROR_SEVERITY}), NULL, NULL
    FROM logs_per_minute
    GROUP BY Minute, ServiceName
    UNION ALL
    SELECT Minute, ServiceName, toUInt64(0), toUInt64(0), NULL, toUInt64(0), toUInt64(0),
        if(countIf(MetricName IN (${list(CPU_METRICS)})) = 0, NULL, sumIf(ValueSum, MetricName IN (${list(CPU_METRICS)})) / sumIf(Points, MetricName IN (${list(CPU_METRICS)}))),
        if(countIf(MetricName IN (${list(MEMORY_METRICS)})) = 0, NULL, sumIf(ValueSum, MetricName IN (${list(MEMORY_METRICS)})) / sumIf(Points, MetricName IN (${list(MEMORY_METRICS)})))
    FROM metric_points_per_minute WHERE MetricName IN (${list([...CPU_METRICS, ...MEMORY_METRICS])})
    GROUP BY Minute, ServiceName
)
GROUP BY Minute, ServiceName
)`,
  ],
};
