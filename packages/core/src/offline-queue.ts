/** A message waiting for a transport, with the ids of the calls it carries. */
interface Queued {
  readonly text: string;
  readonly ids: readonly number[];
}

/**
 * Messages a persistent peer holds while it has no transport. Bounded, so an offline client
 * cannot grow without limit: past `limit`, `push` refuses and the caller fails the call at once.
 */
export class OfflineQueue {
  #items: Queued[] = [];

  /** Tells whether a call still awaits its response (one that timed out or was aborted does not). */
  readonly #calls: { has(id: number): boolean };

  constructor(
    readonly limit: number,
    calls: { has(id: number): boolean },
  ) {
    this.#calls = calls;
  }

  /** Messages still worth sending; a call that settled while queued frees its slot. */
  get length(): number {
    this.#prune();
    return this.#items.length;
  }

  push(text: string, ids: readonly number[]): boolean {
    if (this.#items.length >= this.limit) this.#prune();
    if (this.#items.length >= this.limit) return false;
    this.#items.push({ text, ids });
    return true;
  }

  /** Hands over every message still worth sending: one whose calls all settled meanwhile is skipped. */
  drain(): Queued[] {
    this.#prune();
    const items = this.#items;
    this.#items = [];
    return items;
  }

  clear(): void {
    this.#items = [];
  }

  #prune(): void {
    this.#items = this.#items.filter((item) => item.ids.length === 0 || item.ids.some((id) => this.#calls.has(id)));
  }
}
