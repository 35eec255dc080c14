import { MERGE_TREE_SETTINGS, ttlClause, type Migration } from './types.js';

/**
 * What the detectors produce: anomalies (one row per anomaly, rewritten as it evolves),
 * per-series detector state (so a restart resumes instead of relearning) and the scored
 * points behind the charts. Times are event time; UpdatedAt is when Vigil wrote the row.
 */
export const anomalies: Migration = {
  version: 4,
  name: 'anomalies-detector-state-series-scores',
  statements: (options) => [
    // ReplacingMergeTree on the id: open → update → close rewrite one anomaly; readers
    // take the latest version (FINAL) until merges fold them.
    `CREATE TABLE IF NOT EXISTS anomalies (
    AnomalyId String,
    SeriesKey String CODEC(ZSTD(1)),
    Signal LowCardinality(String),
    ServiceName LowCardinality(String),
    Name String CODEC(ZSTD(1)),
    Stat LowCardinality(String),
    Attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    StartTime DateTime64(9) CODEC(Delta, ZSTD(1)),
    EndTime DateTime64(9) CODEC(Delta, ZSTD(1)),
    PeakScore Float64,
    PeakTime DateTime64(9),
    Expected Float64,
    Actual Float64,
    Lower Float64,
    Upper Float64,
    Detector LowCardinality(String),
    Status LowCardinality(String),
    UpdatedAt DateTime64(3)
) ENGINE = ReplacingMergeTree(UpdatedAt)
PARTITION BY toYYYYMM(StartTime)
ORDER BY AnomalyId
${ttlClause('toDateTime(StartTime)', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,

    // A series silent for the whole retention has nothing left to resume from.
    `CREATE TABLE IF NOT EXISTS detector_state (
    SeriesKey String CODEC(ZSTD(1)),
    Detector LowCardinality(String),
    Snapshot String CODEC(ZSTD(3)),
    LastTime DateTime64(3),
    UpdatedAt DateTime64(3)
) ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY (SeriesKey, Detector)
${ttlClause('toDateTime(UpdatedAt)', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,

    // Re-scoring a range (backfill) replaces its points rather than doubling them.
    `CREATE TABLE IF NOT EXISTS series_scores (
    SeriesKey String CODEC(ZSTD(1)),
    Time DateTime64(3) CODEC(Delta, ZSTD(1)),
    Value Float64 CODEC(ZSTD(1)),
    Expected Float64 CODEC(ZSTD(1)),
    Lower Float64 CODEC(ZSTD(1)),
    Upper Float64 CODEC(ZSTD(1)),
    Score Float64 CODEC(ZSTD(1))
) ENGINE = ReplacingMergeTree
PARTITION BY toDate(Time)
ORDER BY (SeriesKey, Time)
${ttlClause('toDateTime(Time)', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
  ],
};
