import type { NodeKind, TopologyEdge } from './model.js';

/**
 * The call graph as the incident engine sees it: who calls whom (directed, for root-cause
 * depth) and how far apart two nodes are (undirected, for grouping: a database's two
 * callers are two hops apart through it).
 */
export class Topology {
  private readonly callees = new Map<string, Set<string>>();
  private readonly callers = new Map<string, Set<string>>();
  private readonly kinds = new Map<string, NodeKind>();
  /** `caller\ncallee` → client span names of the caller that reach an uninstrumented callee. */
  private readonly peerSpans = new Map<string, Set<string>>();

  constructor(readonly edges: readonly TopologyEdge[] = []) {
    for (const e of edges) {
      if (e.caller === e.callee) continue;
      add(this.callees, e.caller, e.callee);
      add(this.callers, e.callee, e.caller);
      if (!this.kinds.has(e.caller)) this.kinds.set(e.caller, 'service');
      if (e.calleeKind !== 'service' || !this.kinds.has(e.callee)) this.kinds.set(e.callee, e.calleeKind);
      for (const name of e.spanNames ?? []) add(this.peerSpans, `${e.caller}\n${e.callee}`, name);
    }
  }

  kindOf(node: string): NodeKind {
    return this.kinds.get(node) ?? 'service';
  }

  calleesOf(node: string): ReadonlySet<string> {
    return this.callees.get(node) ?? EMPTY;
  }

  callersOf(node: string): ReadonlySet<string> {
    return this.callers.get(node) ?? EMPTY;
  }

  /** Uninstrumented callees (databases, caches, queues, external peers) and the span names that reach them. */
  peersOf(caller: string): Array<{ peer: string; spanNames: ReadonlySet<string> }> {
    const out: Array<{ peer: string; spanNames: ReadonlySet<string> }> = [];
    for (const callee of this.calleesOf(caller)) {
      const names = this.peerSpans.get(`${caller}\n${callee}`);
      if (names) out.push({ peer: callee, spanNames: names });
    }
    return out;
  }

  /** Undirected hops from `from` to the nearest of `targets`, at most `maxHops` (Infinity when farther). */
  hops(from: string, targets: ReadonlySet<string>, maxHops: number): number {
    if (targets.has(from)) return 0;
    let frontier = [from];
    const seen = new Set(frontier);
    for (let d = 1; d <= maxHops && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const node of frontier) {
        for (const n of [...this.calleesOf(node), ...this.callersOf(node)]) {
          if (seen.has(n)) continue;
          if (targets.has(n)) return d;
          seen.add(n);
          next.push(n);
        }
      }
      frontier = next;
    }
    return Infinity;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}
