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
  private items: Queued[] = [];

  constructor(readonly limit: number) {}

  get length(): number {
    return this.items.length;
  }

  push(text: string, ids: readonly number[]): boolean {
    if (this.items.length >= this.limit) return false;
    this.items.push({ text, ids });
    return true;
  }

  /** Hands over every message still worth sending: one whose calls all settled meanwhile is skipped. */
  drain(isLive: (id: number) => boolean): Queued[] {
    const items = this.items;
    this.items = [];
    return items.filter((item) => item.ids.length === 0 || item.ids.some(isLive));
  }

  clear(): void {
    this.items = [];
  }
}
