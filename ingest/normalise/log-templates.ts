import type { TemplateMiner } from '../../detectors/logs/index.js';
import type { LogRow, LogTemplateRow, NanoTime } from '../rows.js';

/** What a flush writes per template: deltas since the last flush. */
export type TemplateDelta = LogTemplateRow;

/** A template seen for the first time, for pattern anomalies. */
export interface NewTemplate {
  templateId: string;
  template: string;
  serviceName: string;
  severityNumber: number;
  severityText: string;
  time: NanoTime;
  sample: string;
}

export interface LogTemplateStageOptions {
  /** Only the start of a body is mined: a template of a 1 MiB body is noise, and mining cost grows with length. */
  maxMinedChars: number;
  samplesPerTemplate: number;
  maxSampleChars: number;
}

export const LOG_TEMPLATE_STAGE_DEFAULTS: LogTemplateStageOptions = { maxMinedChars: 4096, samplesPerTemplate: 3, maxSampleChars: 1024 };

/**
 * The normalise stage for logs: mines each body's template and stamps the row with its
 * id before the row is encoded, and keeps per-template deltas (counts, first/last seen
 * in event time, samples) until the next flush. Runs on the event loop in the request
 * that carries the rows, so a row is never stored without its template id.
 */
export class LogTemplateStage {
  private pending = new Map<string, TemplateDelta>();

  constructor(
    readonly miner: TemplateMiner,
    private readonly options: LogTemplateStageOptions = LOG_TEMPLATE_STAGE_DEFAULTS,
  ) {}

  apply(rows: LogRow[]): NewTemplate[] {
    const created: NewTemplate[] = [];
    for (const row of rows) {
      const body = row.Body.length > this.options.maxMinedChars ? row.Body.slice(0, this.options.maxMinedChars) : row.Body;
      const { templateId, template, isNew } = this.miner.add(body);
      row.TemplateId = templateId;
      this.record(templateId, template, row);
      if (isNew) {
        created.push({
          templateId,
          template,
          serviceName: row.ServiceName,
          severityNumber: row.SeverityNumber,
          severityText: row.SeverityText,
          time: row.Timestamp,
          sample: this.sample(row.Body),
        });
      }
    }
    return created;
  }

  /** Takes the deltas gathered since the last call, plus ids that now resolve elsewhere. */
  drain(): { templates: TemplateDelta[]; merges: Array<{ FromId: string; ToId: string }> } {
    const templates = [...this.pending.values()];
    this.pending = new Map();
    const merges: Array<{ FromId: string; ToId: string }> = [];
    for (const t of templates) {
      const current = this.miner.resolve(t.TemplateId);
      if (current !== t.TemplateId) merges.push({ FromId: t.TemplateId, ToId: current });
    }
    return { templates, merges };
  }

  private record(id: string, template: string, row: LogRow): void {
    let delta = this.pending.get(id);
    if (!delta) {
      delta = {
        TemplateId: id,
        Template: template,
        FirstSeen: row.Timestamp,
        LastSeen: row.Timestamp,
        Count: 0,
        Samples: [],
        Services: [],
        MaxSeverityNumber: 0,
      };
      this.pending.set(id, delta);
    }
    delta.Count++;
    if (earlier(row.Timestamp, delta.FirstSeen)) delta.FirstSeen = row.Timestamp;
    if (earlier(delta.LastSeen, row.Timestamp)) delta.LastSeen = row.Timestamp;
    if (row.SeverityNumber > delta.MaxSeverityNumber) delta.MaxSeverityNumber = row.SeverityNumber;
    if (delta.Samples.length < this.options.samplesPerTemplate) delta.Samples.push(this.sample(row.Body));
    if (!delta.Services.includes(row.ServiceName) && delta.Services.length < 64) delta.Services.push(row.ServiceName);
  }

  private sample(body: string): string {
    return body.length > this.options.maxSampleChars ? body.slice(0, this.options.maxSampleChars) : body;
  }
}

/** NanoTime order: more seconds digits is later; equal lengths compare as text. */
function earlier(a: NanoTime, b: NanoTime): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}
