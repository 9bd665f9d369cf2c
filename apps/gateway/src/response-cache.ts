/**
 * Results of methods marked cacheable, per method and params, for their TTL. Bounded: past
 * `maxEntries` the oldest entry goes, so params chosen by callers cannot grow it without end.
 * Only successes are kept; a call for a key already on its way shares that call's promise, so a
 * burst of equal calls costs one back-end call.
 */
export class ResponseCache {
  readonly #entries = new Map<string, { expires: number; value: Promise<unknown> }>();
  readonly #maxEntries: number;
  hits = 0;
  misses = 0;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  /** The cached result of `method` with `params`, or `load()`'s, kept for `ttlMs` once it succeeds. */
  get(method: string, params: unknown, ttlMs: number, load: () => Promise<unknown>): Promise<unknown> {
    const key = `${method}\n${JSON.stringify(params) ?? ''}`;
    const now = performance.now();
    const entry = this.#entries.get(key);
    if (entry && entry.expires > now) {
      this.hits++;
      return entry.value;
    }
    this.misses++;
    const value = load();
    this.#entries.delete(key);
    this.#entries.set(key, { expires: now + ttlMs, value });
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }

  get size(): number {
    return this.#entries.size;
  }
}
