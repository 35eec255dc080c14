/**
 * Offline work, measured: isolation forest training and scoring at a realistic size (a week of
 * minutes for 20 services, six features), and dataset exports (CSV, Arrow, Parquet) from a
 * chDB store filled with synthetic spans. Prints figures; asserts nothing.
 * Usage: npm run bench:offline
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbStore, migrate } from '../../analytics/index.js';
import { DatasetExporter, type ExportFormat } from '../../api/datasets.js';
import { parseIForestModel, scoreIForest, trainIForest } from '../../detectors/offline/index.js';

const SERVICES = 20;
const MINUTES = 7 * 24 * 60;
const FEATURES = ['Calls', 'ErrorRatio', 'P95Ms', 'LogErrorRatio', 'CpuUtilization', 'MemoryBytes'];

let seed = 7;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const normal = () => rand() + rand() + rand() + rand() + rand() + rand() - 3;

function trainingSet(): Map<string, number[][]> {
  const out = new Map<string, number[][]>();
  for (let s = 0; s < SERVICES; s++) {
    const rows: number[][] = [];
    for (let m = 0; m < MINUTES; m++) {
      const daily = 1 + 0.5 * Math.sin((2 * Math.PI * m) / 1440);
      rows.push([200 * daily + 10 * normal(), Math.max(0, 0.002 + 0.001 * normal()), 40 + 20 * daily + 3 * normal(), Math.max(0, 0.01 + 0.003 * normal()), 0.3 * daily + 0.02 * normal(), 5e8 + 1e7 * normal()]);
    }
    out.set(`service-${s}`, rows);
  }
  return out;
}

function benchIForest(): void {
  const data = trainingSet();
  let t = performance.now();
  const model = trainIForest(data, FEATURES, { trees: 100, sampleSize: 256, minSamples: 30, contamination: 0.005 });
  const trainMs = performance.now() - t;
  const json = JSON.stringify(model);
  t = performance.now();
  const parsed = parseIForestModel(json);
  const parseMs = performance.now() - t;
  const vectors = [...data.entries()].flatMap(([service, rows]) => rows.slice(0, 2000).map((x) => [service, x] as const));
  t = performance.now();
  let sink = 0;
  for (const [service, x] of vectors) sink += scoreIForest(parsed, service, x)!;
  const scoreMs = performance.now() - t;
  console.log(`iforest train: ${SERVICES} services x ${MINUTES} minutes x ${FEATURES.length} features, 100 trees, psi 256: ${(trainMs / 1000).toFixed(2)} s (${(trainMs / SERVICES).toFixed(0)} ms per service)`);
  console.log(`iforest model: ${(json.length / 1024 / 1024).toFixed(2)} MiB JSON, parsed in ${parseMs.toFixed(0)} ms`);
  console.log(`iforest score: ${Math.round(vectors.length / (scoreMs / 1000)).toLocaleString('en')} vectors/s (${((scoreMs * 1000) / vectors.length).toFixed(1)} us each; a minute of ${SERVICES} services costs ${((scoreMs * SERVICES) / vectors.length).toFixed(2)} ms) [checksum ${sink.toFixed(0)}]`);
}

async function benchExport(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-offline-'));
  const store = new ChdbStore(dir);
  try {
    await migrate(store, { ttlDays: 0 });
    const base = Date.UTC(2026, 0, 1);
    const hours = 24;
    let spans = 0;
    for (let h = 0; h < hours; h++) {
      const lines: string[] = [];
      for (let i = 0; i < 20_000; i++) {
        const ms = base + h * 3_600_000 + Math.floor((i * 3_600_000) / 20_000);
        const service = `service-${i % 20}`;
        lines.push(JSON.stringify({
          Timestamp: `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`, TraceId: `${h}-${i}`, SpanId: `${i}`, ParentSpanId: '', SpanName: `GET /route-${i % 7}`,
          SpanKind: 'Server', ServiceName: service, Duration: Math.round(20e6 + 5e6 * normal()), StatusCode: rand() < 0.01 ? 'Error' : 'Ok',
        }));
      }
      await store.insertJsonEachRow('otel_traces', Buffer.from(lines.join('\n')));
      spans += lines.length;
    }
    const exporter = new DatasetExporter(store, { maxExecutionSeconds: 60, maxMemoryBytes: 2 ** 31, maxExportRows: 1e8, maxExportBytes: 2 ** 31, chunkMs: 3_600_000 });
    const range = { sinceMs: base, untilMs: base + hours * 3_600_000 };
    for (const name of ['dataset_spans_red_1m', 'dataset_service_features_1m']) {
      for (const format of ['csv', 'arrow', 'parquet'] as ExportFormat[]) {
        const t = performance.now();
        let bytes = 0;
        for await (const chunk of exporter.export(name, format, range)) bytes += chunk.length;
        const s = (performance.now() - t) / 1000;
        console.log(`export ${name} ${format.padEnd(7)}: ${(bytes / 1024 / 1024).toFixed(2)} MiB in ${s.toFixed(2)} s (${(bytes / 1024 / 1024 / s).toFixed(1)} MiB/s; ${hours} hourly chunks over ${spans.toLocaleString('en')} spans)`);
      }
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

benchIForest();
await benchExport();
