/**
 * Log template miner benchmark (`npm run bench:logs`): prints figures, asserts nothing.
 *
 * 1. Throughput of the miner alone and of a Drain-style fixed-depth tree baseline in the same
 *    run, median of several runs, on the Loghub-2k dev lines replicated and on a synthetic
 *    mixed stream; plus both parsers' Loghub accuracy for context.
 * 2. Memory: miner state after `--lines` (default 10 million) synthetic lines drawn from
 *    `--templates` (default 10,000) distinct templates: retained heap and snapshot size.
 *
 * Flags: --lines N  --templates N  --runs N  --loghub DIR (default $VIGIL_LOGHUB_DIR or ../shared/data/loghub beside the repository)
 */
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DrainBaseline, listSystems, loadDataset, scoreLoghub, TemplateMiner } from '../../detectors/logs/index.js';
import { sharedDataDir } from '../helpers/shared-data.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const args = parseArgs(process.argv.slice(2));
const memoryLines = args.lines ?? 10_000_000;
const templateCount = args.templates ?? 10_000;
const runs = args.runs ?? 5;
const loghubRoot = args.loghub ?? sharedDataDir('loghub', 'VIGIL_LOGHUB_DIR');

function parseArgs(argv: string[]): { lines?: number; templates?: number; runs?: number; loghub?: string } {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].replace(/^--/, '').split('=');
    out[name] = inline ?? argv[++i];
  }
  const num = (v?: string) => (v === undefined ? undefined : Number(v));
  return { lines: num(out.lines), templates: num(out.templates), runs: num(out.runs), loghub: out.loghub };
}

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = 'ka lo mi ne ru ta shi vo xe za pe qui bra cor den fal gim hul jor kes lum'.split(' ');
const USERS = Array.from({ length: 60 }, (_, i) => `user${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))}x`);
type Slot = (r: () => number) => string;
const SLOTS: Slot[] = [
  (r) => String(Math.floor(r() * 100000)),
  (r) => `0x${Math.floor(r() * 0xffffffff).toString(16)}`,
  (r) => `10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}:${1024 + Math.floor(r() * 60000)}`,
  (r) => `/var/data/part-${Math.floor(r() * 1000)}/file${Math.floor(r() * 100)}.log`,
  (r) => `req_${Math.floor(r() * 1e12)}`,
  (r) => `${Math.floor(r() * 5000)}ms`,
  (r) => `status=${[200, 404, 500, 503][Math.floor(r() * 4)]}`,
  (r) => USERS[Math.floor(r() * USERS.length)],
];

/** `count` distinct templates: 8–20 random words from a large vocabulary with 1–3 typed value slots. */
function makeTemplates(count: number, seed: number): Array<Array<string | Slot>> {
  const r = rng(seed);
  const word = () => {
    let w = '';
    const n = 2 + Math.floor(r() * 3);
    for (let k = 0; k < n; k++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    return w;
  };
  return Array.from({ length: count }, () => {
    const length = 8 + Math.floor(r() * 13);
    const parts: Array<string | Slot> = Array.from({ length }, word);
    const slots = 1 + Math.floor(r() * 3);
    for (let s = 0; s < slots; s++) parts[1 + Math.floor(r() * (length - 1))] = SLOTS[Math.floor(r() * SLOTS.length)];
    return parts;
  });
}

function lineOf(template: Array<string | Slot>, r: () => number): string {
  return template.map((p) => (typeof p === 'string' ? p : p(r))).join(' ');
}

/** A flat string, as a decoder hands over; `join` builds ropes that V8 flattens on first read. */
function decoded(line: string): string {
  return Buffer.from(line, 'utf8').toString('utf8');
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function throughput(label: string, lines: string[]): void {
  const minerRates: number[] = [];
  const drainRates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const miner = new TemplateMiner();
    let t = performance.now();
    for (const line of lines) miner.add(line);
    minerRates.push(lines.length / ((performance.now() - t) / 1000));
    const drain = new DrainBaseline();
    t = performance.now();
    for (const line of lines) drain.add(line);
    drainRates.push(lines.length / ((performance.now() - t) / 1000));
  }
  const m = median(minerRates);
  const d = median(drainRates);
  console.log(`${label.padEnd(34)} miner ${fmt(m)} lines/s   drain baseline ${fmt(d)} lines/s   miner/drain ${(m / d).toFixed(2)}   (${lines.length} lines, median of ${runs})`);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(11);
}

async function loghub(): Promise<void> {
  if (!existsSync(loghubRoot)) {
    console.log(`Loghub data not found at ${loghubRoot}: skipping the Loghub figures`);
    return;
  }
  const systems = await Promise.all((await listSystems(loghubRoot)).map((dir) => loadDataset(dir)));
  const all = systems.flatMap((s) => s.contents);
  const replicated: string[] = [];
  while (replicated.length < 400_000) replicated.push(...all);
  throughput(`Loghub-2k dev lines x${Math.round(replicated.length / all.length)}`, replicated);

  const sums = { miner: { ga: 0, pa: 0 }, drain: { ga: 0, pa: 0 } };
  let scored = 0;
  for (const s of systems) {
    if (!s.truth) continue;
    const miner = new TemplateMiner();
    const ids = s.contents.map((c) => miner.add(c).templateId);
    const drain = new DrainBaseline();
    const groups = s.contents.map((c) => drain.add(c));
    const m = scoreLoghub(s.truth, ids.map((id) => miner.template(id) ?? ''));
    const d = scoreLoghub(s.truth, groups.map((g) => drain.template(g)));
    sums.miner.ga += m.ga;
    sums.miner.pa += m.pa;
    sums.drain.ga += d.ga;
    sums.drain.pa += d.pa;
    scored++;
  }
  if (scored > 0) {
    const f = (x: number) => (x / scored).toFixed(3);
    console.log(`Loghub-2k accuracy (${scored} systems, one config) miner GA ${f(sums.miner.ga)} PA ${f(sums.miner.pa)}   drain baseline (no regexes) GA ${f(sums.drain.ga)} PA ${f(sums.drain.pa)}`);
  }
}

function synthetic(): void {
  const templates = makeTemplates(200, 7);
  const r = rng(11);
  const lines = Array.from({ length: 400_000 }, () => decoded(lineOf(templates[Math.floor(r() * templates.length)], r)));
  throughput('synthetic mixed (200 templates)', lines);
}

function memory(): void {
  const templates = makeTemplates(templateCount, 1234);
  const r = rng(99);
  gc();
  const before = process.memoryUsage().heapUsed;
  const miner = new TemplateMiner();
  const started = performance.now();
  let peakHeap = 0;
  for (let i = 0; i < memoryLines; i++) {
    miner.add(decoded(lineOf(templates[Math.floor(r() * templates.length)], r)));
    if ((i & 0xffff) === 0xffff) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const seconds = (performance.now() - started) / 1000;
  gc();
  const retained = process.memoryUsage().heapUsed - before;
  const snapshotBytes = Buffer.byteLength(JSON.stringify(miner.snapshot()));
  const stats = miner.stats();
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(
    `memory: ${memoryLines.toLocaleString('en-US')} lines from ${templateCount.toLocaleString('en-US')} templates in ${seconds.toFixed(1)} s ` +
      `(${fmt(memoryLines / seconds).trim()} lines/s incl. generation): state ${mb(retained)} MB retained heap ` +
      `(goal < 100 MB), peak heap ${mb(peakHeap)} MB, snapshot ${mb(snapshotBytes)} MB JSON; ` +
      `${stats.clusters} groups, ${stats.templates} templates, ${stats.merges} merge entries, ${stats.shapes} cached shapes`,
  );
}

console.log(`node ${process.version}, ${runs} runs per figure`);
await loghub();
synthetic();
memory();
