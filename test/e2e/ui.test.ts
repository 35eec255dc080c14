import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { gaugeBody, MINUTE_MS, postMetrics, seededNoise } from '../helpers/metrics-json.js';
import { findProgram } from '../helpers/programs.js';

/**
 * The web UI in a real browser (Debian's Chromium driven by playwright-core): an
 * embedded Vigil gets logs, a trace and two gauges near the wall clock (so the UI's
 * default "last hour" shows them); one gauge's level shift is sent before the page
 * opens, the other's while it is open, to see it arrive over SSE.
 */
const chromiumPath = findProgram('chromium', 'apt-get install chromium; the UI tests drive Debian\'s Chromium through playwright-core');
const SHOTS = process.env.VIGIL_UI_SCREENSHOTS ?? '/tmp';
const END_MS = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
const NORMAL = 300;
const FIRST_MS = END_MS - (NORMAL + 5) * MINUTE_MS;
const SHIFT_AT = FIRST_MS + NORMAL * MINUTE_MS;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const str = (value: string) => ({ stringValue: value });
const resource = (service: string) => ({ attributes: [{ key: 'service.name', value: str(service) }] });
const ns = (ms: number) => `${BigInt(Math.round(ms * 1000)) * 1000n}`;

let vigil: TestVigil;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

async function sendGauge(service: string, metric: string, seed: number, shifted: boolean): Promise<void> {
  const noise = seededNoise(seed);
  const value = (m: number) => 100 + 2 * noise() + (m >= NORMAL ? 60 : 0);
  const minutes = shifted ? [NORMAL, NORMAL + 1, NORMAL + 2, NORMAL + 3] : Array.from({ length: NORMAL }, (_, m) => m);
  const values = Array.from({ length: NORMAL + 4 }, (_, m) => value(m)); // same noise draws whichever part is sent
  for (let i = 0; i < minutes.length; i += 100) {
    const points = minutes.slice(i, i + 100).map((m) => [FIRST_MS + m * MINUTE_MS, values[m]] as [number, number]);
    await postMetrics(vigil.url, gaugeBody(service, metric, { queue: 'orders/eu' }, points));
  }
}

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${vigil.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

async function sendLogsAndTrace(): Promise<void> {
  const t = END_MS - 10 * MINUTE_MS;
  const logRecords = [
    { timeUnixNano: ns(t), severityText: 'INFO', body: str('order 1001 placed by user 7') },
    { timeUnixNano: ns(t + 1000), severityText: 'INFO', body: str('order 1002 placed by user 9') },
    { timeUnixNano: ns(t + 2000), severityText: 'ERROR', body: str('payment declined for order 1003: card expired'), traceId: TRACE_ID, spanId: '00f067aa0ba902b7' },
    { timeUnixNano: ns(t + 3000), severityText: 'WARN', body: str('retrying payment for order 1003 in 200 ms') },
  ];
  await post('/v1/logs', { resourceLogs: [{ resource: resource('checkout'), scopeLogs: [{ logRecords }] }] });
  const span = (service: string, spanId: string, parentSpanId: string, name: string, startMs: number, endMs: number, error = false) => ({
    resource: resource(service),
    scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId, parentSpanId, name, kind: 2, startTimeUnixNano: ns(startMs), endTimeUnixNano: ns(endMs), status: { code: error ? 2 : 1, message: error ? 'card expired' : '' } }] }],
  });
  await post('/v1/traces', {
    resourceSpans: [
      span('checkout', '00f067aa0ba902b7', '', 'POST /checkout', t, t + 180),
      span('checkout', '00f067aa0ba902b8', '00f067aa0ba902b7', 'reserve stock', t + 5, t + 40),
      span('payments', '00f067aa0ba902b9', '00f067aa0ba902b7', 'charge card', t + 45, t + 170, true),
    ],
  });
}

const openAnomaly = (service: string) => async () => {
  const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?since=${FIRST_MS}&service=${service}&status=open`);
  return anomalies.find((a: any) => Date.parse(a.start) >= SHIFT_AT);
};

beforeAll(async () => {
  if (!chromiumPath) return;
  vigil = await startTestVigil();
  await sendLogsAndTrace();
  await sendGauge('checkout', 'queue.depth', 42, false);
  await sendGauge('payments', 'queue.depth', 7, false);
  await sendGauge('checkout', 'queue.depth', 42, true);
  await eventually(openAnomaly('checkout'), 30_000);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  page = await watch(await context.newPage());
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
});

function watch(p: Page): Page {
  p.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${p.url()}: ${m.text()}`));
  p.on('pageerror', (e) => consoleErrors.push(`${p.url()}: ${e.message}`));
  return p;
}

const shot = (name: string) => page.screenshot({ path: `${SHOTS}/vigil-ui-${name}.png` });

describe.skipIf(!chromiumPath)('web UI in Chromium', () => {
  it('Live lists the service with its open anomaly, charted with a marker', async () => {
    const started = Date.now();
    await page.goto(`${vigil.url}/`);
    const tile = page.locator('.tile[data-service="checkout"]');
    await tile.waitFor();
    await expect.poll(() => tile.getAttribute('class')).toMatch(/\b(warn|crit)\b/);
    await expect.poll(() => page.locator('.tile[data-service="payments"]').count()).toBe(1);
    const key = 'metric:checkout:queue.depth:value:queue=orders%2Feu';
    await page.locator(`.feed-row[data-key="${key}"]`).first().waitFor();
    const card = page.locator(`.chart-card[data-key="${key}"]`);
    await card.locator('canvas').waitFor();
    console.log(`Live page: anomaly charted ${Date.now() - started} ms after navigation`);
    const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
    console.log(`Live page: first contentful paint ${paint?.toFixed(0)} ms`);
    await page.waitForTimeout(300); // the chart's first data lands
    await shot('live');
  });

  it('shows an anomaly pushed while the page is open, without a reload (SSE)', async () => {
    await page.evaluate('window.__sameDocument = true'); // lost if the page reloaded
    await sendGauge('payments', 'queue.depth', 7, true);
    const row = page.locator('.feed-row[data-key^="metric:payments:"]');
    await row.first().waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await expect.poll(() => page.locator('.tile[data-service="payments"]').getAttribute('class')).toMatch(/\b(warn|crit)\b/);
    await expect.poll(() => page.locator('#stream-status').getAttribute('class')).toMatch(/live/);
  });

  it('opens a series\' history from its chart, with zoom', async () => {
    await page.locator('.chart-card[data-key^="metric:checkout:"]').click();
    await expect.poll(() => page.url()).toContain('series=');
    const plot = page.locator('.plot-big');
    await plot.locator('canvas').waitFor();
    await page.waitForTimeout(300);
    const box = (await plot.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByRole('button', { name: 'Use as time range' }).isVisible()).toBe(true);
    await shot('series');
  });

  it('Explore finds a log by text and opens its trace as a waterfall', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await page.keyboard.press('e');
    await page.locator('table.logs').waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('DECLINED');
    const rows = page.locator('table.logs tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await expect.poll(() => rows.first().first().textContent()).toContain('payment declined for order 1003');
    await expect.poll(() => page.url()).toContain('q=DECLINED');
    await shot('logs');
    await rows.first().click();
    await page.getByRole('link', { name: TRACE_ID }).click();
    const spans = page.locator('.wf-row');
    await expect.poll(() => spans.count()).toBe(3);
    await expect.poll(() => page.locator('.wf-row .bar.error').count()).toBe(1);
    await spans.nth(2).click();
    await expect.poll(() => page.locator('.kv').first().textContent()).toContain('card expired');
    await shot('trace');
  });

  it('Explore shows patterns and a metric\'s series', async () => {
    await page.keyboard.press('g');
    await page.keyboard.press('p');
    const patterns = page.locator('table.grid tbody tr');
    await expect.poll(() => patterns.count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('table.grid').first().textContent()).toContain('payment declined for order');
    await shot('patterns');
    await patterns.filter({ hasText: 'placed by user' }).click();
    await expect.poll(() => page.locator('table.logs tbody tr').count()).toBe(2);
    await page.goto(`${vigil.url}/#/explore/metrics?metric=queue.depth&from=now-6h`);
    await page.locator('.uplot canvas').waitFor();
    await expect.poll(() => page.locator('.u-legend').first().textContent()).toContain('payments');
    await shot('metrics');
  });

  it('restores the state a shared URL captures', async () => {
    const shared = await watch(await context.newPage());
    await shared.goto(`${vigil.url}/#/explore/logs?from=now-6h&q=retrying&severity=WARN&service=checkout`);
    await expect.poll(() => shared.locator('table.logs tbody tr').count()).toBe(1);
    await expect.poll(() => shared.locator('input[name="q"]').inputValue()).toBe('retrying');
    await expect.poll(() => shared.locator('select[name="severity"]').inputValue()).toBe('WARN');
    await expect.poll(() => shared.locator('select[name="service"]').inputValue()).toBe('checkout');
    await expect.poll(() => shared.locator('.range-button').first().textContent()).toContain('Last 6 hours');
    await shared.goto(`${vigil.url}/#/explore/traces?trace=${TRACE_ID}`);
    await expect.poll(() => shared.locator('.wf-row').count()).toBe(3);
    await shared.close();
  });

  it('shows incidents and the service map, and tells a newcomer how to get traced calls', async () => {
    await page.goto(`${vigil.url}/#/incidents`);
    await page.locator('table.incident-list').waitFor();
    await expect.poll(() => page.locator('.incidents .count').first().textContent()).toMatch(/\d+ incidents/);
    await shot('incidents');
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    // One trace ten minutes ago: the default hour shows its services.
    await page.locator('svg.map g.node[data-service="checkout"]').waitFor();
    await page.goto(`${vigil.url}/#/map?from=now-5m`);
    await expect.poll(() => page.locator('.empty h2').first().textContent()).toContain('No traced calls');
    await shot('map');
    await page.keyboard.press('g');
    await page.keyboard.press('d');
    await expect.poll(() => page.locator('.empty h2').first().textContent()).toContain('No drills yet');
  });

  it('toggles the theme from the keyboard and the button, and shows the key help', async () => {
    await page.goto(`${vigil.url}/#/live`);
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor');
    const dark = await background();
    await page.keyboard.press('t');
    await expect.poll(background).not.toBe(dark);
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('light');
    await page.locator('.tile').first().waitFor();
    await page.waitForTimeout(300);
    await shot('live-light');
    await page.locator('#theme-toggle').click();
    await expect.poll(background).toBe(dark);
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('#help').isVisible()).toBe(true);
    await expect.poll(() => page.locator('#help').first().textContent()).toContain('Go to Live');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#help').isVisible()).toBe(false);
  });

  it('keeps up with 1,000 anomaly events/s on Live (one render per frame, no backlog)', async () => {
    await page.goto(`${vigil.url}/#/live`);
    await page.locator('.tile').first().waitFor();
    // The page's own stream module (same URL, same instance) takes the synthetic events.
    // A string, not a function: vitest would rewrite a function's import() for Node.
    const figures: any = await page.evaluate(`(async () => {
      const stream = await import('/ui/live-stream.js');
      const longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
      let frames = 0;
      let maxFrameGapMs = 0;
      let last = performance.now();
      let running = true;
      const tick = (t) => {
        frames++;
        maxFrameGapMs = Math.max(maxFrameGapMs, t - last);
        last = t;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const before = stream.streamStats.received;
      const seconds = 3;
      let sent = 0;
      const now = new Date().toISOString();
      await new Promise((resolve) => {
        const timer = setInterval(() => {
          for (let i = 0; i < 10; i++, sent++) {
            const n = sent % 200;
            const service = 'load-' + (n % 20);
            stream.deliver({
              type: sent < 200 ? 'open' : 'update', id: 'load-' + n, seriesKey: 'metric:' + service + ':cpu.' + n + ':value', signal: 'metric', service,
              name: 'cpu.' + n, stat: 'value', attributes: {}, status: 'open', start: now, end: now, peakTime: now,
              peakScore: 0.5 + (sent % 50) / 100, expected: 1, actual: 2, lower: 0.5, upper: 1.5, detector: 'load', updatedAt: now,
            });
          }
          if (sent >= seconds * 1000) {
            clearInterval(timer);
            resolve();
          }
        }, 10);
      });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      running = false;
      return {
        sent, received: stream.streamStats.received - before, frames, maxFrameGapMs, maxBatch: stream.streamStats.maxBatch,
        longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks), feedRows: document.querySelectorAll('.feed-row').length,
        tiles: document.querySelectorAll('.tile').length, seconds,
      };
    })()`);
    console.log(`Live under load: ${figures.sent} events in ${figures.seconds} s → ${figures.frames} frames (${(figures.frames / figures.seconds).toFixed(0)}/s), ` +
      `largest batch ${figures.maxBatch}, longest frame gap ${figures.maxFrameGapMs.toFixed(0)} ms, ${figures.longTasks} long tasks (longest ${figures.longestTaskMs.toFixed(0)} ms), ${figures.feedRows} feed rows, ${figures.tiles} tiles`);
    expect(figures.received).toBe(figures.sent);
    expect(figures.maxBatch).toBeLessThanOrEqual(200); // coalesced per anomaly: bounded by distinct ids
    expect(figures.feedRows).toBeLessThanOrEqual(200);
    expect(figures.tiles).toBeGreaterThanOrEqual(20);
  });

  it('logs no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
