import type { DrillReport } from './runner.js';

/**
 * A drill report as one self-contained HTML page (no scripts, no external assets): the
 * verdict, the scores table, charts of the affected series with the fault windows shaded,
 * and the timeline. Charts are inline SVG so the file can be attached to an audit record.
 */
export interface ReportChart {
  title: string;
  /** [event time ms, value, expected lower, expected upper]. */
  points: Array<[number, number, number, number]>;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : x.toFixed(digits));
const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function chartSvg(chart: ReportChart, windows: Array<{ startMs: number; endMs: number; label: string }>): string {
  const W = 760;
  const H = 180;
  const P = 36;
  if (chart.points.length < 2) return `<p class="muted">${esc(chart.title)}: no points in the drill window.</p>`;
  const t0 = chart.points[0][0];
  const t1 = chart.points[chart.points.length - 1][0];
  const values = chart.points.flatMap((p) => [p[1], p[2], p[3]]).filter(Number.isFinite);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) hi = lo + 1;
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const x = (t: number) => P + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * P);
  const y = (v: number) => H - P + ((v - lo) / (hi - lo)) * -(H - 2 * P);
  const line = chart.points.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
  const upper = chart.points.filter((p) => Number.isFinite(p[3])).map((p) => `${x(p[0]).toFixed(1)},${y(p[3]).toFixed(1)}`);
  const lower = chart.points.filter((p) => Number.isFinite(p[2])).map((p) => `${x(p[0]).toFixed(1)},${y(p[2]).toFixed(1)}`).reverse();
  const band = upper.length > 1 ? `<polygon points="${[...upper, ...lower].join(' ')}" class="band"/>` : '';
  const shaded = windows
    .filter((w) => w.endMs >= t0 && w.startMs <= t1)
    .map((w) => {
      const a = x(Math.max(t0, w.startMs));
      const b = x(Math.min(t1, w.endMs));
      return `<rect x="${a.toFixed(1)}" y="${P / 2}" width="${Math.max(1, b - a).toFixed(1)}" height="${H - 1.5 * P}" class="fault"><title>${esc(w.label)}</title></rect>`;
    })
    .join('');
  return `<figure><figcaption>${esc(chart.title)}</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(chart.title)}">
${shaded}${band}<path d="${line}" class="line"/>
<text x="${P}" y="${H - 8}" class="axis">${esc(time(t0))}</text><text x="${W - P}" y="${H - 8}" class="axis" text-anchor="end">${esc(time(t1))}</text>
<text x="4" y="${P / 2 + 4}" class="axis">${esc(fmt(hi, 3))}</text><text x="4" y="${H - P}" class="axis">${esc(fmt(lo, 3))}</text>
</svg></figure>`;
}

export function renderDrillHtml(report: DrillReport, charts: ReportChart[] = []): string {
  const s = report.score;
  const windows = report.faults.map((f) => ({ startMs: f.startMs, endMs: f.endMs, label: `${f.type}:${f.service}` }));
  const rows = s.faults
    .map(
      (f) => `<tr><td>${esc(f.fault)}</td><td class="${f.detected ? 'ok' : 'bad'}">${f.detected ? 'yes' : 'no'}</td><td>${fmt(f.timeToDetectSeconds)}</td>
<td>${fmt(f.timeToIncidentSeconds)}</td><td>${fmt(f.timeToPageSeconds)}</td><td class="${f.rootCauseRank === 1 ? 'ok' : 'bad'}">${f.rootCauseRank ?? '—'}</td>
<td>${esc(f.topSuspect ?? '—')}</td><td>${fmt(f.recoverySeconds)}</td></tr>`,
    )
    .join('\n');
  const loss = s.dataLoss
    ? `<p>Canary: ${s.dataLoss.generated} generated, ${s.dataLoss.droppedOnPurpose} dropped on purpose, ${s.dataLoss.stored} stored — <b>${s.dataLoss.missing}</b> missing, <b class="${s.dataLoss.lost ? 'bad' : 'ok'}">${s.dataLoss.lost}</b> lost after acknowledgement.</p>`
    : '<p class="muted">Canary stream off.</p>';
  const steady = report.steadyState.map((c) => `<li>${esc(c.when)}: ${esc(c.service)} ${esc(c.metric)} = ${fmt(c.value, 4)} — ${c.holds ? 'holds' : '<b class="bad">breached</b>'}</li>`).join('');
  const alarms = s.falseAlarms.map((a) => `<li>${esc(a.service)}: ${esc(a.seriesKey)}</li>`).join('');
  const timeline = report.progress.map((p) => `<tr><td>${esc(time(p.wallMs))}</td><td>${esc(p.phase)}</td><td>${esc(p.message)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drill ${esc(report.name)} — ${esc(report.status)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
:root{color-scheme:light dark;--fg:#1d232a;--muted:#6b7480;--bg:#fff;--line:#3d7be0;--band:#3d7be033;--fault:#e0483d22;--ok:#1f8a4c;--bad:#c23a2f}
@media (prefers-color-scheme:dark){:root{--fg:#d8dee6;--muted:#8b949e;--bg:#111418}}
body{font:14px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);max-width:900px;margin:24px auto;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:24px 0 8px}
table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;border-bottom:1px solid #8883;text-align:left;vertical-align:top}
.muted{color:var(--muted)}.ok{color:var(--ok)}.bad{color:var(--bad)}
.verdict{font-size:28px;font-weight:600}.line{fill:none;stroke:var(--line);stroke-width:1.5}.band{fill:var(--band)}.fault{fill:var(--fault)}
.axis{font-size:10px;fill:var(--muted)}figure{margin:12px 0}figcaption{font-size:12px;color:var(--muted)}svg{width:100%;height:auto}
</style></head><body>
<h1>Drill ${esc(report.name)}</h1>
<p class="muted">${esc(report.id)} · started ${esc(time(report.startedWallMs))} · ended ${esc(time(report.endedWallMs))} · speed ${report.speed}×</p>
<p>${esc(report.spec.hypothesis)}</p>
<p class="verdict ${report.status === 'passed' ? 'ok' : 'bad'}">${esc(report.status)} · score ${fmt(s.score)}</p>
${s.failures.length ? `<ul>${s.failures.map((f) => `<li class="bad">${esc(f)}</li>`).join('')}</ul>` : ''}
<h2>Scores per fault (seconds of event time)</h2>
<table><thead><tr><th>fault</th><th>detected</th><th>time to detect</th><th>to incident</th><th>to page</th><th>root-cause rank</th><th>top suspect</th><th>recovery</th></tr></thead>
<tbody>${rows}</tbody></table>
<h2>Affected series</h2>${charts.map((c) => chartSvg(c, windows)).join('\n') || '<p class="muted">No anomalous series.</p>'}
<h2>Data loss</h2>${loss}
<h2>Steady state</h2><ul>${steady || '<li class="muted">no checks</li>'}</ul>
<h2>False alarms outside the blast radius (${s.falseAlarms.length})</h2><ul>${alarms || '<li class="muted">none</li>'}</ul>
<h2>Timeline</h2><table><tbody>${timeline}</tbody></table>
</body></html>
`;
}
