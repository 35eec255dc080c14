import { describe, expect, it } from 'vitest';
import { layoutMap, NODE_W } from './map-layout.js';

const node = (name: string, kind = 'service') => ({ name, kind });
const edge = (caller: string, callee: string) => ({ caller, callee });

describe('service map layout', () => {
  it('puts callers left of callees, by the longest call path from the entry', () => {
    const nodes = ['frontend', 'checkout', 'payments', 'inventory', 'postgres'].map((n) => node(n));
    const edges = [edge('frontend', 'checkout'), edge('frontend', 'inventory'), edge('checkout', 'inventory'), edge('checkout', 'payments'), edge('payments', 'postgres')];
    const { positions, width, height } = layoutMap(nodes, edges);
    const layer = (n: string) => positions.get(n)!.layer;
    expect([layer('frontend'), layer('checkout'), layer('payments'), layer('inventory'), layer('postgres')]).toEqual([0, 1, 2, 2, 3]);
    for (const e of edges) expect(positions.get(e.caller)!.x).toBeLessThan(positions.get(e.callee)!.x);
    for (const p of positions.values()) {
      expect(p.x + NODE_W).toBeLessThanOrEqual(width);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(height);
    }
  });

  it('never overlaps two nodes of a layer', () => {
    const nodes = [node('api'), ...Array.from({ length: 6 }, (_, i) => node(`db${i}`, 'database'))];
    const { positions } = layoutMap(nodes, nodes.slice(1).map((n) => edge('api', n.name)));
    const ys = nodes.slice(1).map((n) => positions.get(n.name)!.y).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(50);
  });

  it('lays out a cycle and peers only named by edges', () => {
    const { positions } = layoutMap([node('a'), node('b')], [edge('a', 'b'), edge('b', 'a'), edge('b', 'stripe')]);
    expect(positions.size).toBe(3);
    expect(positions.get('a')!.layer).toBe(0);
    expect(positions.get('b')!.layer).toBe(1);
    expect(positions.get('stripe')!.layer).toBe(2);
  });

  it('orders a layer by its callers, so parallel chains do not cross', () => {
    const edges = [edge('a', 'z2'), edge('b', 'z1'), edge('root', 'a'), edge('root', 'b')];
    const { positions } = layoutMap([], edges);
    const above = (x: string, y: string) => positions.get(x)!.y < positions.get(y)!.y;
    expect(above('a', 'b')).toBe(true);
    expect(above('z2', 'z1')).toBe(true);
  });
});
