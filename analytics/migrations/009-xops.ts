import type { Migration } from './types.js';

/**
 * Typed views over `events` (read FINAL: one row per source + id), one per documented
 * event type family (ingest/cloudevents/types/), so DORA, change risk and people query
 * columns instead of JSON. Types match whatever their version suffix. The team is the
 * `team` extension, else the data's `team` (`customData.team` for CDEvents).
 */

/** Events whose type is `prefix` or `prefix.<version>` (prefixes are constants of this file). */
const typeIn = (...prefixes: string[]) => `(${prefixes.map((p) => `Type = '${p}' OR startsWith(Type, '${p}.')`).join(' OR ')})`;
const cd = (name: string) => `dev.cdevents.${name}`;
const team = (...path: string[]) => `if(Extensions['team'] != '', Extensions['team'], JSONExtractString(Data, ${path.map((p) => `'${p}'`).join(', ')})) AS Team`;
const str = (alias: string, ...path: string[]) => `JSONExtractString(Data, ${path.map((p) => `'${p}'`).join(', ')}) AS ${alias}`;
const num = (alias: string, ...path: string[]) => `JSONExtractFloat(Data, ${path.map((p) => `'${p}'`).join(', ')}) AS ${alias}`;
const view = (name: string, columns: string[], where: string) =>
  `CREATE VIEW IF NOT EXISTS ${name} AS
SELECT Time, Source, Id, Type, ServiceName, ${columns.join(',\n    ')}
FROM events FINAL
WHERE ${where}`;

export const xops: Migration = {
  version: 9,
  name: 'xops-typed-event-views',
  statements: () => [
    // Deployments (service.deployed / upgraded): what DORA counts. Changes are the change
    // ids or commits shipped (customData.changes), for lead time.
    view('xops_deployments', [
      team('customData', 'team'),
      str('Environment', 'subject', 'content', 'environment', 'id'),
      str('ArtifactId', 'subject', 'content', 'artifactId'),
      str('Version', 'customData', 'version'),
      `JSONExtract(Data, 'customData', 'changes', 'Array(String)') AS Changes`,
    ], typeIn(cd('service.deployed'), cd('service.upgraded'))),
    view('xops_rollbacks', [
      team('customData', 'team'),
      str('Environment', 'subject', 'content', 'environment', 'id'),
      str('ArtifactId', 'subject', 'content', 'artifactId'),
    ], typeIn(cd('service.rolledback'))),
    view('xops_changes_merged', [
      team('customData', 'team'),
      str('ChangeId', 'subject', 'id'),
      str('Repository', 'subject', 'content', 'repository', 'id'),
      str('Commit', 'customData', 'commit'),
    ], typeIn(cd('change.merged'))),
    view('xops_pipeline_runs', [
      team('customData', 'team'),
      str('RunId', 'subject', 'id'),
      str('Pipeline', 'subject', 'content', 'pipelineName'),
      str('Outcome', 'subject', 'content', 'outcome'),
      str('Url', 'subject', 'content', 'url'),
    ], typeIn(cd('pipelinerun.finished'))),
    // Incidents reported from outside (CDEvents); Vigil's own are in `incidents`.
    view('xops_incidents_reported', [
      str('IncidentId', 'subject', 'id'),
      `splitByChar('.', Type)[4] AS Kind`,
      str('Environment', 'subject', 'content', 'environment', 'id'),
      str('Description', 'subject', 'content', 'description'),
    ], typeIn(cd('incident.detected'), cd('incident.reported'), cd('incident.resolved'))),
    view('xops_security_findings', [
      team('team'),
      str('FindingId', 'findingId'),
      str('Severity', 'severity'),
      `if(JSONExtractString(Data, 'status') = '', 'open', JSONExtractString(Data, 'status')) AS Status`,
      str('Title', 'title'),
      str('Cve', 'cve'),
      str('Package', 'package'),
      str('Scanner', 'scanner'),
    ], typeIn('io.vigil.security.finding')),
    view('xops_data_pipeline_runs', [
      team('team'),
      str('Pipeline', 'pipeline'),
      str('RunId', 'runId'),
      str('Status', 'status'),
      num('DurationSeconds', 'durationSeconds'),
      `JSONExtractUInt(Data, 'rowsProcessed') AS RowsProcessed`,
    ], typeIn('io.vigil.data.pipeline.run')),
    view('xops_data_quality', [
      team('team'),
      str('Dataset', 'dataset'),
      str('Check', 'check'),
      `JSONExtractBool(Data, 'passed') AS Passed`,
      str('Severity', 'severity'),
      num('ObservedValue', 'observedValue'),
      num('Threshold', 'threshold'),
    ], typeIn('io.vigil.data.quality.check')),
    view('xops_model_events', [
      team('team'),
      `if(startsWith(Type, 'io.vigil.ml.model.drift'), 'drift', 'deployed') AS Kind`,
      str('Model', 'model'),
      str('Version', 'version'),
      str('Environment', 'environment'),
      str('Feature', 'feature'),
      str('Metric', 'metric'),
      num('Value', 'value'),
      num('Threshold', 'threshold'),
      `JSONExtractBool(Data, 'drifted') AS Drifted`,
    ], typeIn('io.vigil.ml.model.deployed', 'io.vigil.ml.model.drift')),
    view('xops_chatops_operations', [
      team('team'),
      str('Command', 'command'),
      str('User', 'user'),
      str('Channel', 'channel'),
      str('Status', 'status'),
    ], typeIn('io.vigil.chatops.operation')),
    view('xops_kpis', [
      team('team'),
      str('Kpi', 'kpi'),
      num('Value', 'value'),
      str('Unit', 'unit'),
      `JSONExtract(Data, 'dimensions', 'Map(String, String)') AS Dimensions`,
    ], typeIn('io.vigil.biz.kpi')),
    view('xops_costs', [
      team('tags', 'team'),
      str('Provider', 'provider'),
      str('CloudService', 'service'),
      str('Resource', 'resource'),
      num('Cost', 'cost'),
      str('Currency', 'currency'),
      str('PeriodStart', 'periodStart'),
      str('PeriodEnd', 'periodEnd'),
      `JSONExtract(Data, 'tags', 'Map(String, String)') AS Tags`,
    ], typeIn('io.vigil.finops.cost')),
  ],
};
