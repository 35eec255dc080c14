import type { Cluster } from './cluster.js';

const VARIABLE_FIRST = '\u0000';

/**
 * The clusters of one token count, indexed by the values of their first position so a line
 * is compared with the few clusters that share its first word (and those whose first position
 * is a variable) before, only when none fits, all clusters of its length.
 */
export class Bucket {
  /** Oldest first: ties go to the older cluster, which keeps matching deterministic. */
  readonly clusters: Cluster[] = [];
  /** Bumped whenever a cluster here changes, so cached line shapes are matched again. */
  epoch = 0;
  private readonly byFirst = new Map<string, Cluster[]>();
  private readonly keysOf = new Map<Cluster, string[]>();

  add(c: Cluster): void {
    this.clusters.push(c);
    this.index(c);
  }

  /** Re-sorts after clusters were added out of order (restore). */
  sort(): void {
    this.clusters.sort((a, b) => a.seq - b.seq);
    for (const list of this.byFirst.values()) list.sort((a, b) => a.seq - b.seq);
  }

  remove(c: Cluster): void {
    const at = this.clusters.indexOf(c);
    if (at >= 0) this.clusters.splice(at, 1);
    this.unindex(c);
  }

  /** Call after a cluster's first position gained a value or became a variable. */
  reindex(c: Cluster): void {
    const keys = this.keysOf.get(c);
    const first = c.values[0];
    const want = first === null || first === undefined ? [first === null ? VARIABLE_FIRST : ''] : first;
    if (keys && keys.length === want.length && keys.every((k, i) => k === want[i])) return;
    this.unindex(c);
    this.index(c);
  }

  /** Clusters that can hold a line starting with `first`, oldest first. */
  candidates(first: string): Cluster[] {
    const same = this.byFirst.get(first);
    const variable = this.byFirst.get(VARIABLE_FIRST);
    if (!variable || variable.length === 0) return same ?? [];
    if (!same || same.length === 0) return variable;
    return [...same, ...variable].sort((a, b) => a.seq - b.seq);
  }

  private index(c: Cluster): void {
    const first = c.values[0];
    const keys = first === null ? [VARIABLE_FIRST] : first === undefined ? [''] : first.slice();
    this.keysOf.set(c, keys);
    for (const k of keys) {
      let list = this.byFirst.get(k);
      if (!list) this.byFirst.set(k, (list = []));
      const at = list.findIndex((x) => x.seq > c.seq);
      if (at < 0) list.push(c);
      else list.splice(at, 0, c);
    }
  }

  private unindex(c: Cluster): void {
    for (const k of this.keysOf.get(c) ?? []) {
      const list = this.byFirst.get(k);
      if (!list) continue;
      const at = list.indexOf(c);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.byFirst.delete(k);
    }
    this.keysOf.delete(c);
  }
}
