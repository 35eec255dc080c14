/**
 * The Live page's speed, measured in Debian's Chromium (playwright-core) with the browser's
 * own Performance API: first paint with SERVICES services and SERIES metric series known to a
 * real embedded Vigil, and whether the page keeps up with the live stream at RATE anomaly
 * events per second (events go into the page's own stream module, as the SSE handler hands
 * them over, each stamped when sent; the page records how long each waited to be rendered).
 * Prints figures; asserts nothing.
 * Usage: npm run bench:ui [-- SERVICES SERIES RATE SECONDS]   (default 200 5000 1000 10)
 */
import { chromium } from 'playwright-core';
import { startTestVigil } from '../helpers/embedded.js';
import { MINUTE_MS } from '../helpers/metrics-json.js';
import { findProgram } from '../helpers/programs.js';

const [services, series, rate, seconds] = [200, 5000, 1000, 10].map((d, i) => Number(process.argv[2 + i] ?? d));
const LOADS = 5;
const chromiumPath = findProgram('chromium', 'apt-get install chromium');
if (!chromiumPath) process.exit(0);

const vigil = await startTestVigil({ 'detect.enabled': false, 'incidents.enabled': false });
try {
  // SERIES gauges spread over SERVICES services, three points each in the last few minutes.
  const perService = Math.ceil(series / services);
  const nowMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const seedStarted = Date.now();
  for (let s = 0; s < services; s++) {
    const metrics = Array.from({ length: perService }, (_, m) => ({
      name: `bench.metric.${m % 25}`,
      gauge: { dataPoints: [1, 2, 3].map((k) => ({ timeUnixNano: `${BigInt(nowMs - k * MINUTE_MS) * 1_000_000n}`, asDouble: 50 + k + m, attributes: [{ key: 'shard', value: { stringValue: String(Math.floor(m / 25)) } }] })) },
    }));
    const body = JSON.stringify({ resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc-${String(s).padStart(3, '0')}` } }] }, scopeMetrics: [{ metrics }] }] });
    const res = await fetch(`${vigil.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (res.status !== 200) throw new Error(`seed: ${res.status} ${await res.text()}`);
  }
  console.log(`seeded ${services} services × ${perService} series (${services * perService} series) in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
  const page = await context.newPage();
  const paints: Array<{ fcp: number; tiles: number; dcl: number; modulesMs: number; servicesApiMs: number; anomaliesApiMs: number }> = [];
  for (let i = 0; i < LOADS; i++) {
    await page.goto(`${vigil.url}/#/live?from=now-15m`);
    await page.locator('.tile').nth(services - 1).waitFor({ timeout: 60_000 });
    paints.push(await page.evaluate(`(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      dcl: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN,
      tiles: performance.now(),
      modulesMs: Math.max(...performance.getEntriesByType('resource').filter((r) => r.name.includes('/ui/')).map((r) => r.responseEnd)),
      servicesApiMs: performance.getEntriesByType('resource').find((r) => r.name.includes('/api/v1/services'))?.duration ?? NaN,
      anomaliesApiMs: performance.getEntriesByType('resource').find((r) => r.name.includes('/api/v1/anomalies?'))?.duration ?? NaN,
    }))()`));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(`Live first paint over ${LOADS} loads (median, navigation start →): first contentful paint ${ms(median(paints.map((p) => p.fcp)))}, ` +
    `DOMContentLoaded ${ms(median(paints.map((p) => p.dcl)))}, all ${services} service tiles drawn ${ms(median(paints.map((p) => p.tiles)))} ` +
    `(worst ${ms(Math.max(...paints.map((p) => p.tiles)))})`);
  console.log(`  of which: app modules and CSS loaded by ${ms(median(paints.map((p) => p.modulesMs)))}; GET /api/v1/services took ${ms(median(paints.map((p) => p.servicesApiMs)))}, ` +
    `GET /api/v1/anomalies ${ms(median(paints.map((p) => p.anomaliesApiMs)))} (in parallel)`);

  // Stream: RATE events/s over 500 anomalies of the SERVICES services, in 10 ms ticks.
  const figures: any = await page.evaluate(`(async () => {
    const stream = await import('/ui/live-stream.js');
    const lagBySecond = [];
    const t0 = performance.now();
    const off = stream.subscribe((batch) => {
      const now = performance.now();
      for (const e of batch) {
        const second = Math.floor((e.sentAt - t0) / 1000);
        const lag = now - e.sentAt;
        lagBySecond[second] = Math.max(lagBySecond[second] ?? 0, lag);
      }
    });
    const longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration))).observe({ type: 'longtask' });
    let frames = 0;
    let running = true;
    const tick = () => { frames++; if (running) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    const heapBefore = performance.memory?.usedJSHeapSize ?? 0;
    let sent = 0;
    const total = ${rate} * ${seconds};
    const perTick = ${rate} / 100;
    const iso = new Date().toISOString();
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        // Catch up when a tick came late, so the offered rate holds.
        const due = Math.min(total, Math.round(((performance.now() - t0) / 1000) * ${rate}));
        while (sent < due) {
          const n = sent % 500;
          const service = 'svc-' + String(n % ${services}).padStart(3, '0');
          stream.deliver({
            type: sent < 500 ? 'open' : 'update', id: 'bench-' + n, seriesKey: 'metric:' + service + ':bench.metric.' + (n % 25) + ':value', signal: 'metric', service,
            name: 'bench.metric.' + (n % 25), stat: 'value', attributes: {}, status: 'open', start: iso, end: iso, peakTime: iso,
            peakScore: 0.5 + (sent % 50) / 100, expected: 1, actual: 2, lower: 0.5, upper: 1.5, detector: 'bench', updatedAt: iso, sentAt: performance.now(),
          });
          sent++;
        }
        if (sent >= total) { clearInterval(timer); resolve(); }
      }, 10);
    });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    running = false;
    off();
    const elapsed = (performance.now() - t0) / 1000;
    return { sent, elapsed, frames, lagBySecond, longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks), maxBatch: stream.streamStats.maxBatch,
      heapGrowthMb: ((performance.memory?.usedJSHeapSize ?? 0) - heapBefore) / 1e6, feedRows: document.querySelectorAll('.feed-row').length };
  })()`);
  const lags: number[] = figures.lagBySecond.map((x: number | null) => x ?? 0);
  console.log(`Live stream: ${figures.sent} events in ${figures.elapsed.toFixed(1)} s (${(figures.sent / figures.elapsed).toFixed(0)}/s offered) → ${figures.frames} frames ` +
    `(${(figures.frames / figures.elapsed).toFixed(0)}/s), largest batch ${figures.maxBatch}, ${figures.longTasks} long tasks (longest ${ms(figures.longestTaskMs)}), feed rows ${figures.feedRows}`);
  console.log(`event → rendered, worst per second: ${lags.map((l) => l.toFixed(0)).join(' ')} ms (first ${ms(lags[0])}, last ${ms(lags.at(-1)!)}: ${lags.at(-1)! <= Math.max(100, 2 * median(lags)) ? 'no growing backlog' : 'BACKLOG GROWING'})`);
  console.log(`JS heap growth during the run: ${figures.heapGrowthMb.toFixed(1)} MB`);
  await browser.close();
} finally {
  await vigil.stop();
}
