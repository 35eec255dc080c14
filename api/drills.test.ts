import { describe, expect, it } from 'vitest';
import type { Store } from '../analytics/index.js';
import { DrillService } from './drills.js';
import { createLogger } from './logger.js';

/** Approval rules, below the store port (a stub that accepts writes). */
function service(inWindow: boolean) {
  const written: string[] = [];
  const store = { insertJsonEachRow: async (_t: string, body: Buffer) => void written.push(body.toString()), query: async () => [] } as unknown as Store;
  const drills = new DrillService({
    store,
    logger: createLogger('silent'),
    ingestUrl: () => 'http://127.0.0.1:1',
    watchAnomalies: () => () => {},
    watchIncidents: () => () => {},
    inChangeWindow: () => inWindow,
  });
  return { drills, written };
}

const realSpec = DrillService.specOf({ spec: { name: 'real', target: { kind: 'real', services: ['api'] }, faults: [{ type: 'latency', service: 'api' }] } });

describe('real-target drill approvals', () => {
  it('are refused outside the change window, and by the requester', async () => {
    const { drills, written } = service(false);
    const asked = await drills.request(realSpec, 'alice');
    expect(asked.status).toBe('awaiting-approval');
    expect(JSON.parse(written[0])).toMatchObject({ Status: 'awaiting-approval', RequestedBy: 'alice' });
    await expect(drills.approve(asked.id, 'alice')).rejects.toMatchObject({ code: 'DRILL_APPROVAL_REFUSED', message: expect.stringMatching(/someone other/) });
    await expect(drills.approve(asked.id, 'bob')).rejects.toMatchObject({ code: 'DRILL_APPROVAL_REFUSED', message: expect.stringMatching(/change window/) });
    expect((await drills.get(asked.id)).status).toBe('awaiting-approval');
  });

  it('a synthetic drill needs none, and only one drill runs at a time', async () => {
    const { drills } = service(false);
    const synthetic = DrillService.specOf({ library: 'latency-payments' });
    const first = await drills.request(synthetic, 'alice');
    expect(first.status).toBe('running');
    await expect(drills.request(synthetic, 'bob')).rejects.toMatchObject({ code: 'DRILL_CONFLICT' });
    drills.stop(first.id, 'alice');
    await drills.close();
  });
});
