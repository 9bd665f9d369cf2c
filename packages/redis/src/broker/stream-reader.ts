import type { RedisClient } from '../connection.js';
import type { RawEntry } from './entries.js';
import { streamId } from './entries.js';
import type { Health } from './health.js';

/** What the reader reads for, and where it hands what it read. */
export interface ReaderTarget {
  /** The streams to read now: each topic's stream key, and the last event id delivered on it. */
  positions(): Iterable<{ topic: string; stream: string; after: number }>;
  /** Entries read from `topic`'s stream, oldest first; some may be at or below its position. */
  deliver(topic: string, entries: RawEntry[]): void;
}

type XReadReply = Array<[stream: string, entries: RawEntry[]]> | null;

/** How long a wake stream outlives its last wake, so a crashed process leaves nothing for good. */
const WAKE_TTL_MS = 3_600_000;
/** Pause before re-reading after a read failed with the connection still up (a reply error). */
const RETRY_MS = 1_000;

/**
 * One of the broker's blocking readers: a dedicated connection XREADs every stream of its
 * group (see BrokerKeys) that has local subscribers, starting after the id each last
 * delivered, and blocks until something arrives.
 * When the topic set changes while it is blocked, `changed` writes to the broker's private
 * wake stream, which the same XREAD also watches: unlike CLIENT UNBLOCK, a wake written
 * before the XREAD reaches Redis still counts, since the read starts after the last wake seen.
 */
export class StreamReader {
  private wakeAfter = '0-0';
  private reading = false;
  private woken = false;
  private closed = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: RedisClient,
    private readonly command: RedisClient,
    private readonly wakeKey: string,
    private readonly batch: number,
    private readonly health: Health,
    private readonly target: ReaderTarget,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  /** The set of streams to read changed: have the blocked read return, so the next includes it. */
  changed(): void {
    if (!this.reading || this.woken) return;
    this.woken = true;
    this.command
      .multi()
      .xadd(this.wakeKey, 'MAXLEN', '1', '*', 'w', '1')
      .pexpire(this.wakeKey, WAKE_TTL_MS)
      .exec()
      .catch(() => {
        // Redis is away: the read fails too, and the next one after recovery reads the new set.
        this.woken = false;
      });
  }

  /** Stops reading and drops the reader's connection (it owns it); resolves once the loop has ended. */
  async close(): Promise<void> {
    this.closed = true;
    this.connection.disconnect();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      if (this.health.status !== 'ok') {
        await this.health.whenOk();
        continue;
      }
      const topics = new Map<string, string>();
      const streams = [this.wakeKey];
      const ids = [this.wakeAfter];
      for (const { topic, stream, after } of this.target.positions()) {
        topics.set(stream, topic);
        streams.push(stream);
        ids.push(streamId(after));
      }
      let reply: XReadReply;
      this.reading = true;
      this.woken = false;
      try {
        reply = (await this.connection.call(
          'XREAD',
          'COUNT',
          this.batch,
          'BLOCK',
          0,
          'STREAMS',
          ...streams,
          ...ids,
        )) as XReadReply;
      } catch {
        this.reading = false;
        if (this.closed) return;
        // The wake stream may have been lost with Redis: start it over rather than trust an old id.
        this.wakeAfter = '0-0';
        if (this.health.status === 'ok') await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      this.reading = false;
      if (this.closed) return;
      for (const [stream, entries] of reply ?? []) {
        if (stream === this.wakeKey) {
          const last = entries.at(-1);
          if (last) this.wakeAfter = last[0];
          continue;
        }
        const topic = topics.get(stream);
        if (topic !== undefined && entries.length > 0) this.target.deliver(topic, entries);
      }
    }
  }
}
