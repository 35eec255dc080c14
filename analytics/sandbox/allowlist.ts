/**
 * What the SQL sandbox may read. Deny by default: a table missing here is refused, so a
 * table added to Vigil is private until it is listed. Add a table here when analysts may read
 * all of it; never list tables holding secrets (api_tokens, api_token_usage, audit_log) or
 * delivery targets (notifications: webhook URLs are credentials).
 */
export const SANDBOX_TABLES: ReadonlySet<string> = new Set([
  // Telemetry (the OpenTelemetry Collector exporter's layout) and CloudEvents.
  'otel_logs', 'otel_traces', 'otel_traces_span_index',
  'otel_metrics_gauge', 'otel_metrics_sum', 'otel_metrics_histogram', 'otel_metrics_exponential_histogram', 'otel_metrics_summary',
  'events',
  // The typed views over events (migration 009): the same rows, as columns.
  'xops_deployments', 'xops_rollbacks', 'xops_changes_merged', 'xops_pipeline_runs', 'xops_incidents_reported', 'xops_security_findings',
  'xops_data_pipeline_runs', 'xops_data_quality', 'xops_model_events', 'xops_chatops_operations', 'xops_kpis', 'xops_costs',
  // Rollups.
  'logs_per_minute', 'span_red_per_minute', 'service_call_edges', 'service_peer_calls', 'metric_points_per_minute', 'log_templates_per_minute',
  // What Vigil found.
  'anomalies', 'series_scores', 'log_templates', 'log_template_merges', 'incidents', 'incident_timeline', 'detector_models',
  // The curated datasets (migration 011; analytics/queries/datasets.ts documents them).
  'dataset_metric_anomalies_labeled', 'dataset_log_patterns_1m', 'dataset_spans_red_1m', 'dataset_incidents', 'dataset_changes_outcomes',
  'dataset_service_features_1m',
]);

/** Harmless system tables: constants, the catalogue of functions and formats, and schema metadata (names, never data). */
export const SANDBOX_SYSTEM_TABLES: ReadonlySet<string> = new Set([
  'one', 'numbers', 'numbers_mt', 'zeros', 'zeros_mt',
  'functions', 'table_functions', 'aggregate_function_combinators', 'formats', 'data_type_families', 'time_zones', 'collations', 'keywords',
  'settings', 'databases', 'tables', 'columns',
]);

/** Table functions that only generate rows; every other one (file, url, s3, remote, mysql, executable, input, merge, …) is refused. */
export const SANDBOX_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generate_series', 'generateseries', 'values']);

/**
 * Scalar functions that reach outside the allowlisted tables: files, models on disk,
 * dictionaries (which can load from anywhere), Join tables, the host's filesystem and the
 * caller's HTTP headers. Compared in lower case; every `dict*` function is refused too.
 */
export const SANDBOX_FORBIDDEN_FUNCTIONS: ReadonlySet<string> = new Set([
  'file', 'url', 's3', 'catboostevaluate', 'joinget', 'joingetornull', 'getclienthttpheader', 'getserversetting',
  'filesystemavailable', 'filesystemcapacity', 'filesystemunreserved', 'filesystemfree',
  'addresstoline', 'addresstolinewithinlines', 'addresstosymbol', 'demangle',
]);

/** Functions whose second argument may name a table: `x IN t`. */
export const IN_FUNCTIONS: ReadonlySet<string> = new Set(['in', 'notin', 'globalin', 'globalnotin', 'nullin', 'notnullin', 'globalnullin', 'globalnotnullin']);

/** Output formats a sandbox query may ask for: none of them reads a schema file from disk. */
export const SANDBOX_FORMATS = /^(?:JSON\w*|CSV\w*|TSV\w*|TabSeparated\w*|Native|RowBinary\w*|Parquet|Arrow|ArrowStream|ORC|Avro|Values|Pretty\w*|Vertical|Markdown|XML|Null|LineAsString|RawBLOB|BSONEachRow|MsgPack)$/;
