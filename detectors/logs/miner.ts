import { absorb, covers, issueKey, makeVariable, newCluster, refreshEnumPositions, render, similarity, type Cluster, type IssuedTemplate } from './cluster.js';
import { BoundedMap } from './bounded-map.js';
import { Bucket } from './bucket.js';
import { MINER_DEFAULTS, type MinerOptions } from './options.js';
import { templateId } from './template-id.js';
import { tokenize } from './tokenize.js';

export interface AddResult {
  templateId: string;
  template: string;
  /** True when this id had not been handed out before. */
  isNew: boolean;
}

export interface TemplateInfo {
  id: string;
  template: string;
  count: number;
}

/** Plain-JSON state; `restore(snapshot())` continues with the same ids. */
export interface MinerSnapshot {
  version: 1;
  options: MinerOptions;
  seq: number;
  clock: number;
  clusters: Array<{
    seq: number;
    forms: string[];
    values: Array<string[] | null>;
    issued: Array<[key: string, template: IssuedTemplate]>;
    count: number;
    lastSeen: number;
  }>;
  merges: Array<[from: string, to: string]>;
}

interface RegistryEntry {
  template: string;
  count: number;
  owners: number;
}

/**
 * Streaming template miner. One pass, bounded memory: lines are masked with generic value
 * classes, bucketed by word count, matched against groups (exact shape cache first, then the
 * first group that covers the line, then the most similar group above the threshold) and
 * printed as templates whose id is a hash of their text. When a group generalises, the ids
 * it printed before are mapped to the new ones (`resolve`).
 */
export class TemplateMiner {
  private readonly options: MinerOptions;
  private readonly buckets = new Map<number, Bucket>();
  /** Every live cluster, least recently used first. */
  private readonly lru = new Map<number, Cluster>();
  private readonly registry = new Map<string, RegistryEntry>();
  private readonly merges: BoundedMap<string, string>;
  private readonly shapes: BoundedMap<string, { cluster: Cluster; epoch: number }>;
  private mostRecent: Cluster | undefined;
  private seq = 0;
  private clock = 0;

  constructor(options: Partial<MinerOptions> = {}) {
    this.options = { ...MINER_DEFAULTS, ...options };
    this.merges = new BoundedMap(this.options.maxMergeEntries);
    this.shapes = new BoundedMap(this.options.shapeCacheSize);
  }

  add(body: string): AddResult {
    const now = ++this.clock;
    const words = tokenize(body, this.options.listRunLength);
    const bucket = this.bucketFor(words.length);
    const shape = words.join(' ');
    const cached = this.shapes.get(shape);
    let cluster: Cluster;
    if (cached && cached.cluster.alive && cached.epoch === bucket.epoch) {
      cluster = cached.cluster;
    } else {
      cluster = this.place(bucket, words, now);
      this.remember(shape, cluster, bucket.epoch);
    }
    cluster.count++;
    cluster.lastSeen = now;
    if (this.mostRecent !== cluster) {
      this.lru.delete(cluster.seq);
      this.lru.set(cluster.seq, cluster);
      this.mostRecent = cluster;
    }

    let key = issueKey(cluster, words);
    let issued = cluster.issued.get(key);
    while (!issued && cluster.issued.size >= this.options.maxTemplatesPerCluster && cluster.enumPositions.length > 0) {
      this.generalizeBusiestEnum(cluster);
      bucket.epoch++;
      bucket.reindex(cluster);
      key = issueKey(cluster, words);
      issued = cluster.issued.get(key);
    }
    let isNew = false;
    if (!issued) {
      const text = render(cluster, words);
      issued = { id: templateId(text), text, sample: words, count: 0 };
      cluster.issued.set(key, issued);
      isNew = this.own(issued.id, text);
    }
    issued.count++;
    this.registry.get(issued.id)!.count++;
    return { templateId: issued.id, template: issued.text, isNew };
  }

  /** The current id for an id handed out earlier (ids change when a template generalises). */
  resolve(id: string): string {
    let current = id;
    for (let hops = 0; hops < 64; hops++) {
      const next = this.merges.get(current);
      if (next === undefined) return current;
      current = next;
    }
    return current;
  }

  /** The current template text of an id handed out earlier, if it is still held. */
  template(id: string): string | undefined {
    return this.registry.get(this.resolve(id))?.template;
  }

  templates(): TemplateInfo[] {
    return [...this.registry].map(([id, e]) => ({ id, template: e.template, count: e.count }));
  }

  snapshot(): MinerSnapshot {
    const clusters = [...this.lru.values()].map((c) => ({
      seq: c.seq,
      forms: c.forms.slice(),
      values: c.values.map((v) => (v === null ? null : v.slice())),
      issued: [...c.issued].map(([k, t]): [string, IssuedTemplate] => [k, { ...t, sample: t.sample.slice() }]),
      count: c.count,
      lastSeen: c.lastSeen,
    }));
    return { version: 1, options: { ...this.options }, seq: this.seq, clock: this.clock, clusters, merges: this.merges.entries() };
  }

  static restore(snapshot: MinerSnapshot): TemplateMiner {
    if (snapshot.version !== 1) throw new Error(`unsupported template miner snapshot version ${String(snapshot.version)}`);
    const miner = new TemplateMiner(snapshot.options);
    miner.seq = snapshot.seq;
    miner.clock = snapshot.clock;
    const ordered = snapshot.clusters.slice().sort((a, b) => a.lastSeen - b.lastSeen);
    for (const s of ordered) {
      const c: Cluster = {
        seq: s.seq,
        forms: s.forms.slice(),
        values: s.values.map((v) => (v === null ? null : v.slice())),
        enumPositions: [],
        issued: new Map(s.issued.map(([k, t]) => [k, { ...t, sample: t.sample.slice() }])),
        count: s.count,
        lastSeen: s.lastSeen,
        alive: true,
      };
      refreshEnumPositions(c);
      miner.lru.set(c.seq, c);
      miner.bucketFor(c.forms.length).add(c);
      for (const t of c.issued.values()) {
        miner.own(t.id, t.text);
        miner.registry.get(t.id)!.count += t.count;
      }
    }
    for (const b of miner.buckets.values()) b.sort();
    for (const [from, to] of snapshot.merges) miner.merges.set(from, to);
    return miner;
  }

  /** Live groups and templates, for memory accounting and tests. */
  stats(): { clusters: number; templates: number; merges: number; shapes: number } {
    return { clusters: this.lru.size, templates: this.registry.size, merges: this.merges.size, shapes: this.shapes.size };
  }

  /** Finds or creates the cluster for a line whose shape is not cached, and absorbs the line. */
  private place(bucket: Bucket, words: string[], now: number): Cluster {
    const candidates = bucket.candidates(words.length > 0 ? words[0] : '');
    for (const c of candidates) if (covers(c, words)) return c;
    const best = this.mostSimilar(candidates, words) ?? this.mostSimilar(bucket.clusters, words);
    if (best) {
      const { changed, generalized } = absorb(best, words, this.options.maxEnumValues, this.options.maxStructuredEnumValues);
      if (changed) {
        bucket.epoch++;
        bucket.reindex(best);
      }
      if (generalized) this.reissue(best);
      return best;
    }
    const created = newCluster(++this.seq, words, now);
    bucket.add(created);
    this.lru.set(created.seq, created);
    this.mostRecent = created;
    this.enforceBounds(bucket, created);
    return created;
  }

  /** The most similar cluster at or above the threshold; the oldest wins ties. */
  private mostSimilar(clusters: Cluster[], words: string[]): Cluster | undefined {
    const threshold = this.options.similarityThreshold;
    let best: Cluster | undefined;
    let bestSim = 0;
    for (const c of clusters) {
      const sim = similarity(c, words, Math.max(threshold, bestSim));
      if (sim >= threshold && (best === undefined || sim > bestSim)) {
        best = c;
        bestSim = sim;
      }
    }
    return best;
  }

  /** Re-renders every template a cluster printed; changed ones are merged into their new id. */
  private reissue(c: Cluster): void {
    const old = [...c.issued.values()];
    c.issued.clear();
    for (const t of old) {
      const key = issueKey(c, t.sample);
      const text = render(c, t.sample);
      const id = text === t.text ? t.id : templateId(text);
      this.disown(t.id, t.count);
      this.mergeId(t.id, id);
      const target = c.issued.get(key);
      if (target) {
        target.count += t.count;
        this.registry.get(target.id)!.count += t.count;
        continue;
      }
      c.issued.set(key, { id, text, sample: t.sample, count: t.count });
      this.own(id, text);
      this.registry.get(id)!.count += t.count;
    }
  }

  private generalizeBusiestEnum(c: Cluster): void {
    let pick = c.enumPositions[0];
    for (const i of c.enumPositions) if ((c.values[i]?.length ?? 0) > (c.values[pick]?.length ?? 0)) pick = i;
    makeVariable(c, pick);
    refreshEnumPositions(c);
    this.reissue(c);
  }

  private mergeId(from: string, to: string): void {
    if (from !== to) this.merges.set(from, to);
  }

  /** Registers one more owner of a template id; true when the id is new. */
  private own(id: string, text: string): boolean {
    const e = this.registry.get(id);
    if (e) {
      e.owners++;
      return false;
    }
    this.registry.set(id, { template: text, count: 0, owners: 1 });
    // A template printed again after its id was merged away (its group was evicted) is live again.
    this.merges.delete(id);
    return true;
  }

  private disown(id: string, count: number): void {
    const e = this.registry.get(id);
    if (!e) return;
    e.count -= count;
    if (--e.owners <= 0) this.registry.delete(id);
  }

  private bucketFor(length: number): Bucket {
    let b = this.buckets.get(length);
    if (!b) {
      b = new Bucket();
      this.buckets.set(length, b);
    }
    return b;
  }

  private remember(shape: string, cluster: Cluster, epoch: number): void {
    this.shapes.set(shape, { cluster, epoch });
  }

  private enforceBounds(bucket: Bucket, keep: Cluster): void {
    if (bucket.clusters.length > this.options.maxClustersPerBucket) {
      let victim: Cluster | undefined;
      for (const c of bucket.clusters) if (c !== keep && (!victim || c.lastSeen < victim.lastSeen)) victim = c;
      if (victim) this.evict(victim);
    }
    while (this.lru.size > this.options.maxClusters) {
      const oldest = this.lru.values().next().value;
      if (!oldest || oldest === keep) break;
      this.evict(oldest);
    }
  }

  private evict(c: Cluster): void {
    c.alive = false;
    this.lru.delete(c.seq);
    const bucket = this.bucketFor(c.forms.length);
    bucket.remove(c);
    bucket.epoch++;
    for (const t of c.issued.values()) this.disown(t.id, t.count);
  }
}
