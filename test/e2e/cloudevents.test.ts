import { CloudEvent, emitterFor, httpTransport, Mode } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';

/** The `cloudevents` SDK sends structured, binary and batch events; Vigil stores each once. */
let vigil: TestVigil;
beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.stop();
});

const deployed = (id: string) =>
  new CloudEvent({
    id,
    source: '/ci/github-actions',
    type: 'dev.cdevents.service.deployed.0.1.1',
    subject: 'checkout',
    time: '2026-03-04T05:06:07.123456789Z',
    datacontenttype: 'application/json',
    data: { subject: { id: 'checkout', content: { artifactId: 'pkg:oci/checkout@sha256:abc', environment: { id: 'production' } } } },
    service: 'checkout',
  });

describe('CloudEvents SDK', () => {
  it('stores structured and binary mode events with their attributes and data', async () => {
    const url = `${vigil.url}/v1/events`;
    await emitterFor(httpTransport(url), { mode: Mode.STRUCTURED })(deployed('evt-structured'));
    await emitterFor(httpTransport(url), { mode: Mode.BINARY })(deployed('evt-binary'));
    const rows = await vigil.store.query<any>(
      `SELECT Id, Source, Type, Subject, toString(toUnixTimestamp64Nano(Time)) AS ns, Data, Extensions, Practice, ServiceName
       FROM events FINAL ORDER BY Id`,
    );
    expect(rows.map((r) => r.Id)).toEqual(['evt-binary', 'evt-structured']);
    for (const r of rows) {
      expect(r).toMatchObject({ Source: '/ci/github-actions', Type: 'dev.cdevents.service.deployed.0.1.1', Subject: 'checkout', Practice: 'devops', ServiceName: 'checkout' });
      // The SDK keeps time as a JS Date, so it sends milliseconds.
      expect(r.ns).toBe(String(BigInt(Date.UTC(2026, 2, 4, 5, 6, 7, 123)) * 1_000_000n));
      expect(JSON.parse(r.Data)).toEqual({ subject: { id: 'checkout', content: { artifactId: 'pkg:oci/checkout@sha256:abc', environment: { id: 'production' } } } });
      expect(r.Extensions).toMatchObject({ service: 'checkout' });
    }
  });

  it('stores batch mode events and deduplicates on source + id', async () => {
    // A hand-written event in the batch carries nanoseconds, which must survive.
    const nanos = { specversion: '1.0', id: 'evt-batch-ns', source: '/ci/github-actions', type: 'dev.cdevents.pipelinerun.finished.0.1.1', time: '2026-03-04T05:06:07.123456789Z', data: { subject: { id: 'run-1', content: { outcome: 'success' } } } };
    const batch = [deployed('evt-batch-1'), nanos, deployed('evt-structured')];
    const res = await fetch(`${vigil.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(batch),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 3 });
    const stats = await getJson(`${vigil.url}/api/v1/stats`);
    expect(stats.events).toBe(4);
    const [row] = await vigil.store.query<any>(`SELECT toString(toUnixTimestamp64Nano(Time)) AS ns FROM events WHERE Id = 'evt-batch-ns'`);
    expect(row.ns).toBe(String(BigInt(Date.UTC(2026, 2, 4, 5, 6, 7) / 1000) * 1_000_000_000n + 123_456_789n));
  });
});
