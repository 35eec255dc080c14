/**
 * A size-bounded map with approximate least-recently-used eviction in O(1): entries live in
 * a young and an old generation; when the young one fills to half the bound, the old one is
 * dropped and the young one becomes old. A hit in the old generation moves the entry back to
 * the young one. (Evicting by `Map.keys().next()` instead degrades badly in V8: deleted
 * slots at the front of the table are rescanned on every eviction.)
 */
export class BoundedMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(maxSize: number) {
    this.half = Math.max(1, Math.floor(maxSize / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o === undefined) return undefined;
    this.old.delete(key);
    this.put(key, o);
    return o;
  }

  set(key: K, value: V): void {
    this.old.delete(key);
    this.put(key, value);
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  /** Oldest generation first. */
  entries(): Array<[K, V]> {
    return [...this.old, ...this.young];
  }

  private put(key: K, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}
