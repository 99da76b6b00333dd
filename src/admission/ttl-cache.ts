/** A bounded cache of promises with a lifetime per entry; the oldest entries go first when it is full. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expires: number }>();

  constructor(private readonly maxEntries: number, private readonly now: () => number = Date.now) {}

  /**
   * The cached value, or `load()`'s, shared by concurrent callers. `lifetime` decides, once the value
   * is known, how long it stays (ms); a rejection stays `failureLifetime` ms so an outage is not hammered.
   */
  get(key: string, load: () => Promise<V>, lifetime: (value: V) => number, failureLifetime: number): { value: Promise<V>; hit: boolean } {
    const entry = this.entries.get(key);
    if (entry && entry.expires > this.now()) return { value: entry.value, hit: true };
    if (entry) this.entries.delete(key);
    const value = load();
    const stored = { value, expires: Number.POSITIVE_INFINITY };
    this.entries.set(key, stored);
    value.then(
      (result) => { stored.expires = this.now() + lifetime(result); },
      () => { stored.expires = this.now() + failureLifetime; },
    );
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return { value, hit: false };
  }

  get size(): number {
    return this.entries.size;
  }
}
