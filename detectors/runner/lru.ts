/**
 * A bounded map that forgets its least recently used entry when full, telling `onEvict`
 * first (the runner snapshots an evicted detector state to the store).
 * JavaScript's Map keeps insertion order, so re-inserting on use keeps LRU order.
 */
export class Lru<V> {
  private readonly map = new Map<string, V>();

  constructor(
    readonly maxEntries: number,
    private readonly onEvict: (key: string, value: V) => void = () => {},
  ) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.map.size;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** The value, marking it most recently used. */
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** The value, leaving the use order alone (for looks that should not keep an entry alive). */
  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) {
      const [oldestKey, oldest] = this.map.entries().next().value as [string, V];
      this.map.delete(oldestKey);
      this.onEvict(oldestKey, oldest);
    }
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }
}
