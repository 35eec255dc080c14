import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { findProgram } from '../helpers/programs.js';

/**
 * The SRE pages in a real browser (Debian's Chromium through playwright-core) over a
 * real fault: a chaos drill drives the synthetic workload (2 h 40 min of warm-up history,
 * then an error burst in payments) through Vigil's ingest; the detectors, the incident
 * engine and the drill scorer do the rest. Then Live charts the anomalous series with its
 * marker, the incident shows payments as the top suspect and can be acknowledged (a second
 * tab sees it over SSE), the service map draws the topology, logs filter by pattern, the
 * drill's page shows its scores and charts, and every page fits 1280×800 and 1920×1080.
 */
const chromiumPath = findProgram('chromium', 'apt-get install chromium; the UI tests drive Debian\'s Chromium through playwright-core');
const SHOTS = process.env.VIGIL_UI_SCREENSHOTS ?? '/tmp';
// Rate 2 and speed 30 keep the drill to a minute or two of wall time; detectors score after 150 min of history.
const SPEC = {
  name: 'ui-error-burst',
  hypothesis: 'An error burst in payments is detected and payments ranks first.',
  target: { kind: 'synthetic', rate: 2, warmup: '2h40m', speed: 30 },
  faults: [{ type: 'error-burst', service: 'payments', at: '1m', duration: '3m' }],
  blastRadius: ['payments', 'checkout', 'frontend'],
  recovery: '2m',
};

let vigil: TestVigil;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let drill: any;
let range = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!chromiumPath) return;
  vigil = await startTestVigil();
  const res = await fetch(`${vigil.url}/api/v1/drills`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spec: SPEC }) });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const started = Date.now();
  for (;;) {
    drill = await getJson(`${vigil.url}/api/v1/drills/${id}`);
    if (!['pending', 'running'].includes(drill.status)) break;
    if (Date.now() - started > 400_000) throw new Error(`drill still ${drill.status}: ${JSON.stringify(drill.progress?.slice(-3))}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(`drill ${drill.status} with score ${drill.score} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // The live phase ran ahead of the wall clock (speed 30): pages get its event-time range.
  range = `from=${drill.report.live.startMs - 30 * 60_000}&to=${drill.report.live.endMs + 5 * 60_000}`;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  page = await watch(await context.newPage());
}, 480_000);

afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
});

function watch(p: Page): Page {
  p.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${p.url()}: ${m.text()}`));
  p.on('pageerror', (e) => consoleErrors.push(`${p.url()}: ${e.message}`));
  return p;
}

const shot = (name: string, p = page) => p.screenshot({ path: `${SHOTS}/vigil-ui-${name}.png` });

/** Pixels of a canvas close to a colour: how the test sees what uPlot drew. */
function countPixels(selector: string, cssVar: string): Promise<number> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector(${JSON.stringify(selector)});
    if (!canvas) return 0;
    const probe = document.createElement('canvas').getContext('2d');
    probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue(${JSON.stringify(cssVar)}).trim();
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - r) < 24 && Math.abs(data[i + 1] - g) < 24 && Math.abs(data[i + 2] - b) < 24 && data[i + 3] > 200) n++;
    return n;
  })()`);
}

describe.skipIf(!chromiumPath)('SRE pages over a real fault, in Chromium', () => {
  let incidentId = '';

  it('Live charts the anomalous payments series with its anomaly marker', async () => {
    await page.goto(`${vigil.url}/#/live?${range}`);
    await expect.poll(() => page.locator('.tile[data-service="payments"]').getAttribute('class')).toMatch(/\b(warn|crit)\b/);
    const card = page.locator('.chart-card[data-key^="span_errors:payments:"]').first();
    await card.locator('canvas').waitFor();
    const key = await card.getAttribute('data-key');
    const canvas = `.chart-card[data-key="${key}"] canvas`;
    await expect.poll(() => countPixels(canvas, '--mark'), { timeout: 10_000 }).toBeGreaterThan(20);
    await shot('incidents-live');
  });

  it('lists the incident, with payments as the top suspect, explained in words and numbers', async () => {
    await page.goto(`${vigil.url}/#/incidents`);
    // The drill's fault may also raise a short-lived incident elsewhere: find the one the fault opened.
    const faultIncident = drill.report.score.faults[0].incidentId;
    expect(faultIncident).toBeTruthy();
    const row = page.locator(`table.incident-list tr[data-id="${faultIncident}"]`);
    await row.waitFor();
    incidentId = faultIncident;
    expect(await row.textContent()).toMatch(/Errors in payments/);
    expect(await row.locator('.badge').first().textContent()).toBe('open');
    await shot('incident-list');
    // The notifier's link: <publicUrl>/#/incidents/<id>.
    await page.goto(`${vigil.url}/#/incidents/${incidentId}`);
    const top = page.locator('.suspects-table tbody tr').first();
    await expect.poll(() => top.getAttribute('data-name')).toBe('payments');
    expect(await top.getAttribute('data-rank')).toBe('1');
    expect(await top.locator('.why').textContent()).toMatch(/payments.*score 0\.\d/);
    // The title at opening may name the first anomalous service; the ranking settles on payments.
    await expect.poll(() => page.locator('.timeline li.tl-opened').textContent(), { timeout: 15_000 }).toMatch(/Opened: Errors in/);
    await expect.poll(() => page.locator('.timeline li.tl-suspects-ranked').last().textContent()).toMatch(/Top suspect: service payments/);
    await expect.poll(() => page.locator('.mini-charts .chart-card canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot('incident');
  });

  it('acknowledges from the detail page; another open tab follows over SSE', async () => {
    const other = await watch(await context.newPage());
    await other.goto(`${vigil.url}/#/incidents`);
    const otherRow = other.locator(`tr[data-id="${incidentId}"]`);
    await expect.poll(() => otherRow.getAttribute('data-status')).toBe('open');
    await expect.poll(() => other.locator('#stream-status').getAttribute('class')).toMatch(/live/);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.locator('.incident-head .badge').first().textContent()).toBe('acknowledged');
    expect(await page.getByRole('button', { name: 'Acknowledge' }).isDisabled()).toBe(true);
    const { incident } = await getJson(`${vigil.url}/api/v1/incidents/${incidentId}`);
    expect(incident.status).toBe('acknowledged');
    await expect.poll(() => otherRow.getAttribute('data-status')).toBe('acknowledged');
    await expect.poll(() => page.locator('.timeline li.tl-acknowledged').count(), { timeout: 15_000 }).toBe(1);
    await other.close();
  });

  it('draws the service map: the topology, kinds, edge figures, the anomalous service; a click selects', async () => {
    await page.goto(`${vigil.url}/#/map?${range}`);
    const node = (name: string) => page.locator(`svg.map g.node[data-service="${name}"]`);
    for (const name of ['frontend', 'checkout', 'payments', 'inventory']) await node(name).waitFor();
    expect(await node('postgres').getAttribute('class')).toMatch(/\bdatabase\b/);
    expect(await node('redis').getAttribute('class')).toMatch(/\bcache\b/);
    expect(await node('payments').getAttribute('class')).toMatch(/\bcrit\b/);
    expect(await page.locator('g.edge[data-edge="checkout->payments"] .edge-label').textContent()).toMatch(/^[\d.]+\/min[\d.]+% err · p95 \d/);
    const x = async (name: string) => (await node(name).boundingBox())!.x;
    expect(await x('frontend')).toBeLessThan(await x('checkout'));
    expect(await x('checkout')).toBeLessThan(await x('payments'));
    await node('payments').click();
    await expect.poll(() => page.url()).toContain('service=payments');
    await expect.poll(() => page.locator('.map-side h2').textContent()).toBe('payments');
    expect(await node('redis').getAttribute('class')).toMatch(/\bdim\b/);
    await shot('map');
  });

  it('compares the slow and failed spans of payments during the fault with the time before', async () => {
    await page.goto(`${vigil.url}/#/map?${range}&service=payments`);
    const link = page.getByRole('link', { name: 'Slow/failed spans' });
    expect(await link.getAttribute('href')).toContain('compare=payments');
    const [fault] = drill.report.faults;
    await page.goto(`${vigil.url}/#/explore/traces?from=${fault.startMs}&to=${fault.endMs}&compare=payments`);
    const row = page.locator('table.compare tbody tr', { hasText: 'IllegalStateException' }).first();
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('td').first().textContent()).toBe('error.type');
    expect(await page.locator('.compare-host .note').textContent()).toMatch(/payments: \d+ of \d+ spans in the range selected \(\d+ slow.*\d+ failed\)/);
    await shot('trace-compare');
  });

  it('filters logs by a pattern of the fault', async () => {
    await page.goto(`${vigil.url}/#/explore/patterns?${range}&service=payments&severity=ERROR`);
    const pattern = page.locator('table.grid tbody tr', { hasText: 'IllegalStateException' }).first();
    await pattern.click();
    await expect.poll(() => page.url()).toContain('template=');
    const rows = page.locator('table.logs tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    for (const text of await rows.allTextContents()) expect(text).toContain('IllegalStateException');
    await shot('logs-pattern');
  });

  it('shows the drill: history with its score, the scores per fault, the charted series and the report link', async () => {
    await page.goto(`${vigil.url}/#/drills`);
    const row = page.locator(`table.drill-list tr[data-id="${drill.id}"]`);
    await row.waitFor();
    expect(await row.locator('td.num').first().textContent()).toBe(String(drill.score));
    await shot('drills');
    await row.click();
    const fault = page.locator('.drill-scores tr[data-fault="error-burst:payments"]');
    await fault.waitFor();
    expect(await fault.textContent()).toContain('payments');
    expect(await page.locator('.big-score .score').textContent()).toBe(String(drill.score));
    await page.locator('.mini-charts canvas').first().waitFor();
    await expect.poll(() => countPixels('.mini-charts canvas', '--mark')).toBeGreaterThan(0);
    const report = await page.getByRole('link', { name: 'HTML report' }).getAttribute('href');
    expect((await fetch(`${vigil.url}${report}`)).headers.get('content-type')).toMatch(/text\/html/);
    await page.waitForTimeout(300);
    await shot('drill');
  });

  it('fits every page at 1280×800 and 1920×1080 without horizontal scrolling', async () => {
    const pages: Record<string, string> = {
      live: 'live', incidents: 'incidents', incident: `incidents/${incidentId}`, map: 'map', logs: 'explore/logs', patterns: 'explore/patterns',
      traces: 'explore/traces', metrics: 'explore/metrics', drills: 'drills', drill: `drills/${drill.id}`,
    };
    for (const size of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
      await page.setViewportSize(size);
      for (const [name, p] of Object.entries(pages)) {
        await page.goto(`${vigil.url}/#/${p}?${range}`);
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate('document.documentElement.scrollWidth - innerWidth + Math.max(0, document.getElementById("page").scrollWidth - document.getElementById("page").clientWidth)');
        expect(overflow, `${p} at ${size.width}×${size.height}`).toBeLessThanOrEqual(0);
        if (size.width === 1920) await shot(`1920-${name}`);
      }
    }
  });

  it('logs no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
