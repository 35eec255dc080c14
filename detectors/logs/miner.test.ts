import { describe, expect, it } from 'vitest';
import { TemplateMiner, type MinerSnapshot } from './miner.js';
import { templateId } from './template-id.js';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory'];

function mixedStream(n: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 5;
    if (k === 0) lines.push(`Received block blk_${1_000_000 + i * 7919} of size ${i * 13} from /10.0.${i % 250}.${i % 7}`);
    else if (k === 1) lines.push(`session opened for user ${USERS[i % USERS.length]} by (uid=${i % 3})`);
    else if (k === 2) lines.push(`job_${i} Transitioned from ${['NEW', 'RUNNING', 'DONE'][i % 3]} to ${['RUNNING', 'DONE', 'NEW'][i % 3]}`);
    else if (k === 3) lines.push(`GET /api/v1/items/${i} took ${i % 97}ms status=200`);
    else lines.push(`worker ${i % 4} heartbeat ok`);
  }
  return lines;
}

describe('TemplateMiner', () => {
  it('gives lines that differ only in values one template whose id is the hash of its text', () => {
    const m = new TemplateMiner();
    const a = m.add('PacketResponder 1 for block blk_38865049064139660 terminating');
    const b = m.add('PacketResponder 0 for block blk_-6952295868487656571 terminating');
    expect(a.template).toBe('PacketResponder <*> for block <*> terminating');
    expect(b.templateId).toBe(a.templateId);
    expect(a.isNew).toBe(true);
    expect(b.isNew).toBe(false);
    expect(a.templateId).toBe(templateId(a.template));
    expect(a.templateId).toMatch(/^[0-9a-f]{16}$/);
    expect(m.templates()).toEqual([{ id: a.templateId, template: a.template, count: 2 }]);
  });

  it('keeps a few distinct words apart and merges them once a position shows many values', () => {
    const m = new TemplateMiner({ maxEnumValues: 3 });
    const first = m.add('Invalid user alice from 10.0.0.1');
    const second = m.add('Invalid user bob from 10.0.0.2');
    expect(first.template).toBe('Invalid user alice from <*>');
    expect(second.templateId).not.toBe(first.templateId);
    m.add('Invalid user carol from 10.0.0.3');
    const general = m.add('Invalid user dave from 10.0.0.4');
    expect(general.template).toBe('Invalid user <*> from <*>');
    expect(m.resolve(first.templateId)).toBe(general.templateId);
    expect(m.resolve(second.templateId)).toBe(general.templateId);
    expect(m.template(first.templateId)).toBe('Invalid user <*> from <*>');
    expect(m.templates()).toEqual([{ id: general.templateId, template: general.template, count: 4 }]);
  });

  it('keeps enumeration values such as state names as separate templates', () => {
    const m = new TemplateMiner();
    const a = m.add('task_1445144423722_0020_m_000001 Transitioned from NEW to RUNNING');
    const b = m.add('task_1445144423722_0020_m_000002 Transitioned from RUNNING to SUCCEEDED');
    const c = m.add('task_1445144423722_0020_m_000003 Transitioned from NEW to RUNNING');
    expect(a.template).toBe('<*> Transitioned from NEW to RUNNING');
    expect(b.template).toBe('<*> Transitioned from RUNNING to SUCCEEDED');
    expect(c.templateId).toBe(a.templateId);
  });

  it('generalises a lone differing value next to a masked one at once', () => {
    const m = new TemplateMiner();
    m.add('connection from 1.2.3.4 (a1.example.com) at 10:00:00');
    const r = m.add('connection from 1.2.3.5 () at 10:00:01');
    expect(r.template).toBe('connection from <*> (<*>) at <*>:<*>:<*>');
  });

  it('gives two independent miners the same ids for the same stream', () => {
    const lines = mixedStream(2000);
    const a = new TemplateMiner();
    const b = new TemplateMiner();
    for (const line of lines) expect(b.add(line).templateId).toBe(a.add(line).templateId);
  });

  it.each([
    ['default bounds', {}],
    ['tight bounds that evict', { maxClusters: 3, maxClustersPerBucket: 2, shapeCacheSize: 5, maxTemplatesPerCluster: 2 }],
  ])('continues with the same ids after snapshot and restore through JSON (%s)', (_name, options) => {
    const lines = mixedStream(4000);
    const original = new TemplateMiner(options);
    for (const line of lines.slice(0, 1500)) original.add(line);
    const snapshot = JSON.parse(JSON.stringify(original.snapshot())) as MinerSnapshot;
    const restored = TemplateMiner.restore(snapshot);
    const byId = (list: Array<{ id: string }>) => list.sort((x, y) => x.id.localeCompare(y.id));
    expect(byId(restored.templates())).toEqual(byId(original.templates()));
    for (const line of lines.slice(1500)) {
      const want = original.add(line);
      expect(restored.add(line)).toEqual(want);
    }
    expect(byId(restored.templates())).toEqual(byId(original.templates()));
  });

  it('holds memory bounds: groups per bucket, groups in total, templates, shapes and merge entries', () => {
    const options = { maxClusters: 40, maxClustersPerBucket: 15, shapeCacheSize: 100, maxMergeEntries: 30, maxTemplatesPerCluster: 4 };
    const m = new TemplateMiner(options);
    for (let i = 0; i < 5000; i++) {
      const words = Array.from({ length: 3 + (i % 6) }, (_, k) => `w${String.fromCharCode(97 + ((i * 7 + k * 3) % 26))}${String.fromCharCode(97 + ((i + k) % 26))}`);
      m.add(`${words.join(' ')} value ${i}`);
      const stats = m.stats();
      expect(stats.clusters).toBeLessThanOrEqual(options.maxClusters);
      expect(stats.shapes).toBeLessThanOrEqual(options.shapeCacheSize);
      expect(stats.merges).toBeLessThanOrEqual(options.maxMergeEntries);
      expect(stats.templates).toBeLessThanOrEqual(options.maxClusters * options.maxTemplatesPerCluster);
    }
    const perLength = new Map<number, number>();
    for (const c of m.snapshot().clusters) perLength.set(c.forms.length, (perLength.get(c.forms.length) ?? 0) + 1);
    for (const n of perLength.values()) expect(n).toBeLessThanOrEqual(options.maxClustersPerBucket);
  });

  it('counts every line once across merges', () => {
    const m = new TemplateMiner();
    const lines = mixedStream(3000);
    for (const line of lines) m.add(line);
    expect(m.templates().reduce((sum, t) => sum + t.count, 0)).toBe(lines.length);
  });

  it('handles empty bodies', () => {
    const m = new TemplateMiner();
    expect(m.add('   ').template).toBe('');
  });
});
