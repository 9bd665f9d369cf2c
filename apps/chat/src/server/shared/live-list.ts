import type { EventStream, StreamSink } from '@tether/core';
import type { Presence, PresenceEntry } from '@tether/server';

/**
 * A presence topic's entries as this process last read them, for snapshots that must answer
 * at once. It follows the topic's change stream and reads the whole list again after each
 * change (a burst costs one read), so every process converges on what the store holds rather
 * than on the order announcements happened to arrive in.
 */
export class LiveList<M> {
  entries: ReadonlyArray<PresenceEntry<M>> = [];
  private stream: EventStream | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    private readonly presence: Presence,
    /** Told after each read that changed the entries. */
    private readonly changed: () => void,
  ) {}

  /**
   * Follows the change stream, then reads the list: nothing announced after the read is missed.
   * Rejects when the shared store cannot be reached; it may be called again once it can.
   */
  async start(): Promise<void> {
    if (this.stream) return;
    const stream = this.presence.stream();
    const sink: StreamSink = {
      next: () => void this.refresh(),
      gap: () => void this.refresh(),
      error: () => undefined,
      done: () => undefined,
    };
    try {
      await stream.open(sink, undefined);
    } catch (error) {
      await stream.close();
      throw error;
    }
    if (this.closed) return void (await stream.close());
    this.stream = stream;
    await this.refresh();
  }

  /** Reads the list again now (after a reconnect to a shared store, say); concurrent calls share one read. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          const entries = (await this.presence.list()) as Array<PresenceEntry<M>>;
          if (this.closed) return;
          const before = JSON.stringify(sorted(this.entries));
          this.entries = entries;
          if (JSON.stringify(sorted(entries)) !== before) this.changed();
        } catch {
          // The store is unreachable: the last entries stand until the next change or refresh.
        }
      } while (this.again && !this.closed);
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }

  close(): void {
    this.closed = true;
    void this.stream?.close();
  }
}

const sorted = <M>(entries: ReadonlyArray<PresenceEntry<M>>) =>
  [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
