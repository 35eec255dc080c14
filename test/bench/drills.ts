/**
 * The drill library as a benchmark: every ready-made drill (or those named) run back to back
 * on one embedded Vigil whose notifier pages a local signed-webhook receiver, then the
 * figures issue #6 and #9 ask for: detection rate, median time to detect and to page,
 * root cause ranked first / in the top 3, false alarms outside the blast radius, canary
 * records lost, and pages per incident transition (duplicates).
 *
 * Times are seconds of event time. At speed S, wall-clock delays in the pipeline (batching,
 * queries, the page's HTTP round trip) count S times over, so a run at speed > 1 over-states
 * detection and paging times: its medians are upper bounds of what a real-time run
 * measures. The headline figures therefore come from speed 1 (the default here and in
 * the library specs), where event time and wall time are the same clock. What may be
 * shortened honestly is what happens outside the fault windows: the warm-up history is
 * replayed as fast as the pipeline takes it whatever the speed, and `--recovery` cuts the
 * normal traffic after each fault (the incident still resolves: the next drill's 45 min of
 * separating history pass through the pipeline before its fault).
 *
 * Usage: npm run bench:drills [-- --speed 1] [--drills a,b] [--recovery 1m] [--verbose]
 */
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { drillLibrary } from '../../chaos/drills/index.js';
import { startTestVigil } from '../helpers/embedded.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const speed = Number(arg('speed', '1'));
const only = arg('drills', '').split(',').filter(Boolean);
const recovery = arg('recovery', '');
const verbose = process.argv.includes('--verbose');

const pages: Array<{ id: string; body: any }> = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    pages.push({ id: String(req.headers['webhook-id']), body: JSON.parse(body) });
    res.writeHead(204).end();
  });
}).listen(0, '127.0.0.1');
await new Promise((r) => receiver.once('listening', r));
const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

const vigil = await startTestVigil({
  'notify.channels': JSON.stringify([{ name: 'oncall', type: 'webhook', url: hook, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }]),
  'notify.allowPrivateTargets': true,
});
const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const n = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(1));

const drills = drillLibrary().filter((d) => only.length === 0 || only.includes(d.name));
const faults: any[] = [];
let falseAlarms = 0;
let canaryLost = 0;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`drill library at speed ${speed}× on ${vigil.url} (${drills.length} drills${recovery ? `, recovery ${recovery}` : ''}); load average ${load()}\n`);
console.log(`${'drill'.padEnd(28)} ${'status'.padEnd(8)} det  ttd s  page s  rca  top suspect            false  lost  wall s`);
for (const d of drills) {
  let text = d.text.replace(/^(\s*speed:).*$/m, `$1 ${speed}`);
  if (recovery) text = text.replace(/^recovery:.*$/m, `recovery: ${recovery}`);
  const started = Date.now();
  const res = await fetch(`${vigil.url}/api/v1/drills`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spec: text }) });
  const view = (await res.json()) as any;
  if (res.status !== 202) throw new Error(`${d.name}: ${res.status} ${JSON.stringify(view)}`);
  let done: any;
  for (;;) {
    done = await (await fetch(`${vigil.url}/api/v1/drills/${view.id}`)).json();
    if (!['pending', 'running'].includes(done.status)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const s = done.report?.score;
  if (!s) {
    console.log(`${d.name.padEnd(28)} ${done.status}`);
    continue;
  }
  for (const f of s.faults) faults.push(f);
  falseAlarms += s.falseAlarms.length;
  canaryLost += s.dataLoss?.lost ?? 0;
  const f = s.faults[0];
  console.log(
    `${d.name.padEnd(28)} ${done.status.padEnd(8)} ${(f.detected ? 'yes' : 'no').padEnd(4)} ${n(f.timeToDetectSeconds).padStart(5)}  ${n(f.timeToPageSeconds).padStart(6)}  ${String(f.rootCauseRank ?? '—').padStart(3)}  ${String(f.topSuspect ?? '—').slice(0, 22).padEnd(22)} ${String(s.falseAlarms.length).padStart(5)} ${String(s.dataLoss?.lost ?? 0).padStart(5)}  ${((Date.now() - started) / 1000).toFixed(0).padStart(6)}`,
  );
  for (const a of s.falseAlarms) console.log(`${''.padEnd(30)}false alarm: ${a.seriesKey}`);
  if (verbose) {
    // What happened after the fault started, in event-time seconds: the first anomalies and incident transitions.
    const rec = done.report.recording;
    const start = rec.faults[0].wallStartMs;
    const at = (wallMs: number) => `${(((wallMs - start) * rec.speed) / 1000).toFixed(1).padStart(7)} s`;
    for (const a of rec.anomalies.filter((x: any) => x.wallMs >= start).slice(0, 8)) console.log(`${''.padEnd(30)}${at(a.wallMs)} anomaly ${a.seriesKey} score ${a.peakScore.toFixed(2)}`);
    for (const i of rec.incidents.filter((x: any) => x.wallMs >= start).slice(0, 4)) console.log(`${''.padEnd(30)}${at(i.wallMs)} incident ${i.transition} ${i.services.join(',')} top ${i.suspects[0]?.name ?? '—'}`);
    for (const p of rec.notifications.filter((x: any) => x.deliveredWallMs >= start).slice(0, 3)) console.log(`${''.padEnd(30)}${at(p.deliveredWallMs)} page ${p.transition} ${p.channel}`);
  }
}
const ids = pages.map((p) => p.id);
const duplicates = ids.length - new Set(ids).size;
const detected = faults.filter((f) => f.detected);
const ranked = faults.filter((f) => f.rootCauseRank !== null);
console.log(`
faults                          ${faults.length}
detected                        ${detected.length}/${faults.length} (${((100 * detected.length) / Math.max(1, faults.length)).toFixed(0)}%)
median time to detect (s)       ${n(median(detected.map((f) => f.timeToDetectSeconds)))}
paged                           ${faults.filter((f) => f.timeToPageSeconds !== null).length}/${faults.length}
median time to page (s)         ${n(median(faults.flatMap((f) => (f.timeToPageSeconds === null ? [] : [f.timeToPageSeconds]))))}
root cause ranked first         ${faults.filter((f) => f.rootCauseRank === 1).length}/${faults.length} (${((100 * faults.filter((f) => f.rootCauseRank === 1).length) / Math.max(1, faults.length)).toFixed(0)}%)
root cause in the top 3         ${ranked.filter((f) => f.rootCauseRank <= 3).length}/${faults.length}
false alarms outside blast      ${falseAlarms}
canary records lost             ${canaryLost}
pages delivered / duplicates    ${pages.length} / ${duplicates}
load average at the end         ${load()}${speed === 1 ? '' : `\n(speed ${speed}: the time figures are upper bounds, wall-clock delays counted ${speed} times over)`}`);
await vigil.stop();
receiver.close();
