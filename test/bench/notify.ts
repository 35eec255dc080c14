/**
 * The notifier's own latency (transition received → receiver's 2xx), as the delivery log
 * records it: incidents opened one at a time, then a burst, to a loopback receiver through
 * PagerDuty and signed-webhook channels, on embedded chDB. Prints percentiles of the stored
 * `latencyMs` and the time from `handle()` to the request reaching the receiver.
 * Usage: npm run bench:notify [-- INCIDENTS]   (default 200)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbStore, migrate } from '../../analytics/index.js';
import { loadConfig } from '../../api/config/load.js';
import { createLogger } from '../../api/logger.js';
import { createNotifier } from '../../api/notify/index.js';
import { transition } from '../helpers/incident-fixture.js';
import { startReceiver } from '../helpers/receiver.js';

const incidents = Number(process.argv[2] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-notify-'));
const store = new ChdbStore(dir);
const rx = await startReceiver();
try {
  await migrate(store, { ttlDays: 0 });
  const config = loadConfig({
    env: { HOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    overrides: {
      'notify.channels': JSON.stringify([
        { name: 'pd', type: 'pagerduty', url: `${rx.url}/pd`, routingKey: 'bench-routing-key' },
        { name: 'hook', type: 'webhook', url: `${rx.url}/hook`, secret: '${HOOK_SECRET}' },
      ]),
      'notify.allowPrivateTargets': true,
    },
  });
  const notifier = await createNotifier({ config, store, logger: createLogger('silent') });

  const handedAt = new Map<string, number>();
  const send = async (ids: string[]) => {
    const now = Date.now();
    for (const id of ids) handedAt.set(id, now);
    await notifier.handle(ids.map((id) => transition(id, 'opened', 1)));
  };
  // One at a time, waiting for each page (the usual case: incidents are rare)...
  const handleMs: number[] = [];
  for (let i = 0; i < incidents; i++) {
    const t = Date.now();
    await send([`seq-${i}`]);
    handleMs.push(Date.now() - t);
    await notifier.idle();
  }
  // ...then all at once (an outage opening many incidents in one batch).
  const burst = Array.from({ length: incidents }, (_, i) => `burst-${i}`);
  const burstStart = Date.now();
  await send(burst);
  const recordedMs = Date.now() - burstStart;
  await notifier.idle();
  const burstMs = Date.now() - burstStart;

  const log = await notifier.deliveries({ limit: 100_000 });
  await notifier.close();
  const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
  const report = (label: string, prefix: string) => {
    const rows = log.filter((d) => d.incidentId.startsWith(prefix));
    const stored = rows.map((d) => d.latencyMs);
    const reached = rx.requests
      .map((r) => ({ r, id: JSON.parse(r.body).dedup_key?.slice(3) ?? JSON.parse(r.body).data?.incident?.id }))
      .filter(({ id }) => id?.startsWith(prefix))
      .map(({ r, id }) => r.atMs - handedAt.get(id)!);
    const failed = rows.filter((d) => d.status !== 'delivered').length;
    console.log(
      `${label.padEnd(26)} ${String(rows.length).padStart(5)} pages  latencyMs p50 ${pct(stored, 50)}  p95 ${pct(stored, 95)}  p99 ${pct(stored, 99)}  max ${Math.max(...stored)}` +
        `   handle→receiver p50 ${pct(reached, 50)} ms  p99 ${pct(reached, 99)} ms${failed ? `   NOT DELIVERED ${failed}` : ''}`,
    );
  };
  console.log(`bench:notify — ${incidents} incidents × 2 channels (PagerDuty, signed webhook) to a loopback receiver, embedded chDB`);
  report('one at a time', 'seq-');
  console.log(`one at a time: handle() (dedup lookup + pending insert, before sending) p50 ${pct(handleMs, 50)} ms  p99 ${pct(handleMs, 99)} ms`);
  report(`burst of ${incidents}`, 'burst-');
  console.log(`burst: handle() recorded ${incidents * 2} pending deliveries in ${recordedMs} ms; all settled in ${burstMs} ms`);
} finally {
  await rx.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
