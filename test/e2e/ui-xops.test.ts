import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { gaugeBody, postMetrics, seededNoise } from '../helpers/metrics-json.js';
import { findProgram } from '../helpers/programs.js';

/**
 * The XOps pages in a real browser (Debian's Chromium through playwright-core): change risk,
 * DORA, capacity and cost, on an embedded Vigil fed near the wall clock (the pages default to
 * now): a week of a growing disk with its limit, and a month of daily cost with one spike.
 */
const chromiumPath = findProgram('chromium', 'apt-get install chromium; the UI tests drive Debian\'s Chromium through playwright-core');
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const NOW_HOUR = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
let vigil: TestVigil;
let browser: Browser | undefined;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!chromiumPath) return;
  vigil = await startTestVigil({ 'detect.enabled': false });
  const noise = seededNoise(3);
  const disk: Array<[number, number]> = [];
  const limit: Array<[number, number]> = [];
  for (let i = 7 * 24; i >= 1; i--) {
    const t = NOW_HOUR - i * HOUR_MS;
    disk.push([t, 800 + (7 * 24 - i) + 20 * Math.sin((2 * Math.PI * (t / HOUR_MS % 24)) / 24) + noise()]);
    limit.push([t, 1000]);
  }
  await postMetrics(vigil.url, gaugeBody('db', 'disk.used', {}, disk));
  await postMetrics(vigil.url, gaugeBody('db', 'disk.used.limit', {}, limit));
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const events = Array.from({ length: 30 }, (_, k) => {
    const start = new Date(today - (29 - k) * DAY_MS).toISOString();
    return { specversion: '1.0', id: `c-${k}`, source: '/billing', type: 'io.vigil.finops.cost.v1', time: start,
      data: { provider: 'aws', service: 'AmazonEC2', cost: k === 25 ? 500 : 100 + 3 * noise(), currency: 'USD', periodStart: start, tags: { service: 'checkout', team: 'payments' } } };
  });
  const res = await fetch(`${vigil.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(events) });
  expect(res.status).toBe(202);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
});

describe.skipIf(!chromiumPath)('XOps pages in Chromium', () => {
  it('Change risk: the form gives a score, a level and each factor with its evidence', async () => {
    await page.goto(`${vigil.url}/#/change-risk`);
    await page.fill('[data-testid=risk-form] input[name=service]', 'checkout');
    await page.click('[data-testid=risk-form] button[type=submit]');
    await page.waitForSelector('[data-testid=risk-score]');
    expect(await page.textContent('[data-testid=risk-score]')).toMatch(/^\d+\/100$/);
    expect(await page.textContent('[data-testid=risk-level]')).toMatch(/^(low|medium|high|critical)$/);
    expect(await page.locator('[data-testid=risk-factors] tbody tr').count()).toBeGreaterThanOrEqual(5);
  });

  it('DORA: the four keys overall, per service and team, and the weekly chart', async () => {
    await page.goto(`${vigil.url}/#/dora`);
    await page.waitForSelector('[data-testid=dora-overall] tbody tr');
    expect(await page.textContent('[data-testid=dora-overall] thead')).toContain('change failure rate');
    expect(await page.locator('[data-testid=dora-weekly] canvas').count()).toBeGreaterThan(0);
  });

  it('Capacity: the forecast chart with its interval and the day the disk reaches its limit', async () => {
    await page.goto(`${vigil.url}/#/capacity?service=db&horizon=14d`);
    await page.waitForSelector('[data-testid=capacity-chart] canvas');
    expect(await page.locator('[data-testid=capacity-chart]').getAttribute('data-metric')).toBe('disk.used');
    // ~968 at the end, growing 1 per hour: the limit of 1000 is reached within about two days.
    expect(await page.textContent('[data-testid=capacity-exhaustion]')).toMatch(/limit 1,000 \(metric\) · reaches it \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  });

  it('Cost: per service over time with the spike marked as a cost anomaly', async () => {
    await page.goto(`${vigil.url}/#/cost?groupBy=service`);
    await page.waitForSelector('[data-testid=cost-chart] canvas');
    expect(await page.locator('[data-testid=cost-chart]').getAttribute('data-key')).toBe('checkout');
    const rows = page.locator('[data-testid=cost-anomalies] tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('500 USD');
    await page.selectOption('[data-testid=cost-group]', 'team');
    await page.waitForSelector('[data-testid=cost-chart][data-key=payments]');
    expect(consoleErrors).toEqual([]);
  });
});
