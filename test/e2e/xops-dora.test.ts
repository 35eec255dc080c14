import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sink } from '../helpers/sink.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queries } from '../../analytics/index.js';
import backtestCommand from '../../api/cli/commands/backtest-change-risk.js';
import { getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { MONTH_END_MS, MONTH_INCIDENTS, MONTH_START_MS, monthEvents, monthTraceBodies, storeIncidents } from '../helpers/xops-month.js';

/**
 * A month of history for a four-service topology (see test/helpers/xops-month.ts for the
 * schedule) sent through the real receivers; DORA's numbers are checked against the ones
 * worked out by hand from the schedule, change risk against the state at the month's end,
 * and the backtest CLI replays the month.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-xops-'));
let vigil: TestVigil | undefined;
const since = new Date(MONTH_START_MS).toISOString();
const until = new Date(MONTH_END_MS).toISOString();

beforeAll(async () => {
  vigil = await startTestVigil({ 'store.dataDir': dataDir, 'detect.enabled': false, 'changeRisk.freezeWindows': ['Fri 16:00-Mon 08:00'] });
  const events = monthEvents();
  for (let i = 0; i < events.length; i += 500) {
    const res = await fetch(`${vigil.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(events.slice(i, i + 500)) });
    expect(res.status, await res.clone().text()).toBe(202);
  }
  for (const body of monthTraceBodies()) {
    const res = await fetch(`${vigil.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
  }
  await storeIncidents(vigil.store, MONTH_INCIDENTS);
  // Anomalies open at the month's end: one on checkout, one on payments (checkout's dependency).
  const open = (service: string) => ({
    id: `anom-${service}`, seriesKey: `span_errors:${service}:x:ratio`, signal: 'span_errors', service, name: 'x', stat: 'ratio', attributes: {},
    startMs: MONTH_END_MS - 40 * 60_000, endMs: MONTH_END_MS - 60_000, peakScore: 0.9, peakMs: MONTH_END_MS - 30 * 60_000,
    expected: 0, actual: 1, lower: 0, upper: 0.01, detector: 'vigil', status: 'open' as const, updatedAtMs: MONTH_END_MS,
  });
  await queries.insertAnomalies(vigil.store, [open('checkout'), open('payments')]);
}, 120_000);

afterAll(async () => {
  await vigil?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const dora = (query = '') => getJson(`${vigil!.url}/api/v1/dora?since=${since}&until=${until}${query}`);

describe('DORA over a synthetic month', () => {
  it('matches the hand-computed numbers overall', async () => {
    const report = await dora();
    // 28 checkout + 8 payments + 4 search + 28 web production deployments (the staging one is not counted).
    expect(report.overall.deployments).toBe(68);
    expect(report.overall.deploymentFrequency).toEqual({ perDay: 2.429, perWeek: 17, band: 'elite' });
    // 96 changes: 28 × 1 h (web), 28 × 2 h and 28 × 6 h (checkout), 8 × 20 h (payments), 4 × 72 h (search): median 2 h.
    expect(report.overall.leadTime).toEqual({ changes: 96, medianHours: 2, band: 'elite' });
    // checkout: 5 incidents; payments: a rollback and a reported incident → 7 of 68.
    expect(report.overall.changeFailureRate).toEqual({ failedDeployments: 7, rate: 0.1029, band: 'medium' });
    // Recoveries 1.5 h × 4 (checkout), 0.5 h (rollback), 5 h (reported): median 1.5 h; day 27's incident is still open.
    expect(report.overall.recoveryTime).toEqual({ recovered: 6, unrecovered: 1, medianHours: 1.5, band: 'high' });
    expect(report.overall.band).toBe('medium');
  });

  it('per service, per team and per week', async () => {
    const report = await dora();
    const byService = Object.fromEntries(report.services.map((s: any) => [s.service, s]));
    expect(Object.keys(byService)).toEqual(['checkout', 'payments', 'search', 'web']);
    expect(byService.checkout).toMatchObject({ team: 'payments', deployments: 28, leadTime: { changes: 56, medianHours: 4 }, changeFailureRate: { failedDeployments: 5, rate: 0.1786, band: 'low' }, recoveryTime: { recovered: 4, unrecovered: 1, medianHours: 1.5 } });
    expect(byService.payments).toMatchObject({ team: 'payments', deployments: 8, leadTime: { changes: 8, medianHours: 20 }, changeFailureRate: { failedDeployments: 2, rate: 0.25 }, recoveryTime: { recovered: 2, medianHours: 2.75 } });
    expect(byService.search).toMatchObject({ team: 'discovery', deployments: 4, deploymentFrequency: { perWeek: 1, band: 'high' }, leadTime: { medianHours: 72, band: 'high' }, changeFailureRate: { rate: 0, band: 'elite' }, recoveryTime: { medianHours: null, band: null } });
    expect(byService.web).toMatchObject({ team: 'frontend', deployments: 28, leadTime: { changes: 28, medianHours: 1 } });
    expect(report.teams.map((t: any) => [t.team, t.deployments, t.changeFailureRate.failedDeployments])).toEqual([['discovery', 4, 0], ['frontend', 28, 0], ['payments', 36, 7]]);
    expect(report.weekly.map((w: any) => [w.weekStart.slice(0, 10), w.deployments, w.failedDeployments])).toEqual([
      ['2026-02-02', 17, 1],
      ['2026-02-09', 17, 2],
      ['2026-02-16', 17, 2],
      ['2026-02-23', 17, 2],
    ]);
  });

  it('filters by service and team', async () => {
    const payments = await dora('&service=payments');
    expect(payments.services.map((s: any) => s.service)).toEqual(['payments']);
    expect(payments.overall.changeFailureRate.failedDeployments).toBe(2);
    const team = await dora('&team=payments');
    expect(team.overall.deployments).toBe(36);
    const bad = await fetch(`${vigil!.url}/api/v1/dora?since=yesterday`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).code).toBe('API_BAD_REQUEST');
  });

  it('stores every practice in its typed view', async () => {
    const [costs] = await vigil!.store.query<{ total: number; n: string }>(`SELECT sum(Cost) AS total, toString(count()) AS n FROM xops_costs WHERE ServiceName = 'checkout'`);
    expect([costs.total, Number(costs.n)]).toEqual([40 * 28, 28]);
    const findings = await vigil!.store.query<{ FindingId: string; Status: string }>(`SELECT FindingId, argMax(Status, Time) AS Status FROM xops_security_findings GROUP BY FindingId ORDER BY FindingId`);
    expect(findings).toEqual([{ FindingId: 'trivy:checkout:CVE-2024-3094', Status: 'open' }, { FindingId: 'trivy:search:GHSA-1', Status: 'resolved' }]);
    const counts = await vigil!.store.query<{ v: string; n: string }>(`
      SELECT 'kpis' AS v, toString(count()) AS n FROM xops_kpis UNION ALL SELECT 'quality', toString(countIf(NOT Passed)) FROM xops_data_quality
      UNION ALL SELECT 'models', toString(count()) FROM xops_model_events UNION ALL SELECT 'chatops', toString(count()) FROM xops_chatops_operations
      UNION ALL SELECT 'pipelines', toString(countIf(Outcome = 'success')) FROM xops_pipeline_runs UNION ALL SELECT 'dataruns', toString(count()) FROM xops_data_pipeline_runs
      UNION ALL SELECT 'reported', toString(count()) FROM xops_incidents_reported UNION ALL SELECT 'rollbacks', toString(count()) FROM xops_rollbacks`);
    expect(Object.fromEntries(counts.map((c) => [c.v, Number(c.n)]))).toEqual({ kpis: 28, quality: 3, models: 2, chatops: 1, pipelines: 28, dataruns: 1, reported: 3, rollbacks: 2 });
  });
});

describe('change-advisory risk at the end of the month', () => {
  const assess = async (body: object) => {
    const res = await fetch(`${vigil!.url}/api/v1/change-risk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as any;
  };
  const plannedAt = new Date(MONTH_END_MS + 10 * 60_000).toISOString(); // Monday 00:10, inside the weekend freeze

  it('ranks a change to a troubled service far above one to a quiet, healthy service', async () => {
    const checkout = await assess({ service: 'checkout', type: 'deploy', plannedAt, size: 400, author: 'ana' });
    const search = await assess({ service: 'search', type: 'deploy', plannedAt: new Date(MONTH_END_MS + 9 * 3_600_000).toISOString() });
    expect(checkout.score).toBeGreaterThan(search.score + 40);
    expect(checkout.level).toBe('high');
    expect(search.level).toBe('low');
    const factor = (answer: any, name: string) => answer.factors.find((f: any) => f.name === name);
    expect(factor(checkout, 'openIncidents')).toMatchObject({ value: 1, evidence: 'open incidents: vigil/inc-co-27' });
    expect(factor(checkout, 'changeFailureRate').evidence).toMatch(/^5 of 28 deployments in the last 90 days failed/);
    expect(factor(checkout, 'securityFindings').value).toBe(1);
    expect(factor(checkout, 'errorBudgetBurn').value).toBe(1);
    expect(factor(checkout, 'freezeWindow')).toMatchObject({ value: 1, evidence: 'inside freeze window Fri 16:00-Mon 08:00' });
    expect(factor(checkout, 'activeAnomalies').value).toBeGreaterThan(0);
    expect(checkout.blastRadius).toEqual(['payments', 'web']);
    expect(factor(checkout, 'blastRadius').evidence).toMatch(/2 connected services \(payments, web\): 0 open incidents, 1 active anomalies/);
    expect(factor(search, 'changeFailureRate').evidence).toMatch(/^0 of 4 deployments/);
    expect(factor(search, 'securityFindings').value).toBe(0); // its only finding was resolved
    expect(search.blastRadius).toEqual(['web']);
    for (const f of checkout.factors) expect(Object.keys(f).sort()).toEqual(['evidence', 'name', 'points', 'value', 'weight']);
  });

  it('times a change against the service\'s traffic and refuses bad bodies', async () => {
    const busy = await assess({ service: 'search', type: 'config', plannedAt: new Date(MONTH_END_MS + 14 * 3_600_000).toISOString() });
    const night = await assess({ service: 'search', type: 'config', plannedAt: new Date(MONTH_END_MS + 27 * 3_600_000).toISOString() });
    const timing = (a: any) => a.factors.find((f: any) => f.name === 'trafficTiming').value;
    expect(timing(busy)).toBe(1);
    expect(timing(night)).toBeCloseTo(1 / 6, 2);
    const res = await fetch(`${vigil!.url}/api/v1/change-risk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'deploy' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'API_BAD_REQUEST', message: expect.stringMatching(/service/) });
  });
});

describe('vigil backtest change-risk', () => {
  it('replays the month with only earlier data and prints calibration and AUC', async () => {
    await vigil!.close();
    vigil = undefined;
    const out = sink();
    const err = sink();
    const code = await backtestCommand.run({ flags: { 'data-dir': dataDir, 'log-level': 'silent', 'ttl-days': 0, since, until }, args: [], stdout: out, stderr: err });
    expect(code, err.text).toBe(0);
    expect(out.text).toMatch(/^68 deployments replayed, 7 failed/);
    expect(out.text).toMatch(/calibration\nlevel\s+changes\s+failed\s+failure rate\nlow\s+\d+\s+\d+\s+[\d.]+ %/);
    const aucValue = Number(/AUC (\d\.\d{3})/.exec(out.text)?.[1]);
    // The month is deterministic; failures follow services with failures (and, late in the month, a critical finding) behind them.
    expect(aucValue).toBeGreaterThan(0.6);
    expect(err.text).toMatch(/backtest change-risk 100%/);
  });
});

