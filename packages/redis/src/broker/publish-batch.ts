import type { TopicKeys } from './keys.js';

/** Where a publish ended up: its id, and the epoch of the topic's history it counts in. */
export interface Published {
  readonly id: number;
  readonly epoch: string;
}

/** A publish waiting for its batch to be sent. */
export interface QueuedPublish {
  readonly topic: string;
  readonly keys: TopicKeys;
  /** The event's data as stored (see encodeData). */
  readonly data: string;
  /** The event's meta as stored (see encodeMeta); empty for none. */
  readonly meta: string;
  /** Settled by whoever sends the batch. */
  readonly resolve: (published: Published) => void;
  readonly reject: (error: unknown) => void;
}

/** Most events one batch (one script call) carries: a longer script holds Redis from its other clients longer. */
export const MAX_BATCH_EVENTS = 128;
/** Most bytes of data one batch carries, so that a tick of large events does not make one huge command. */
export const MAX_BATCH_BYTES = 256 * 1024;

/**
 * Gathers the publishes made in one tick into batches, each sent as one script call: a burst of
 * publishes (a hundred callers whose previous publishes were answered by the same reply) costs
 * one round trip and one script run rather than one of each per event. The tick ends at
 * `process.nextTick`, after every promise continuation of the current task has run, so a publish
 * made alone waits for nothing else. A batch holds the topics of one reader group only (on a
 * cluster, one hash slot), in call order; past MAX_BATCH_EVENTS or MAX_BATCH_BYTES a group is
 * split into several batches, sent one after another on the same connection, so call order
 * still holds.
 */
export class PublishBatches {
  private waiting: QueuedPublish[] = [];
  private scheduled = false;

  constructor(
    /** Sends one batch and settles each of its publishes; it must settle every one. */
    private readonly send: (batch: QueuedPublish[]) => void,
  ) {}

  add(publish: QueuedPublish): void {
    this.waiting.push(publish);
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const waiting = this.waiting;
    this.waiting = [];
    for (const batch of split(waiting)) this.send(batch);
  }
}

/** `publishes` cut into batches: by reader group, in call order, within the size bounds. */
export function split(publishes: readonly QueuedPublish[]): QueuedPublish[][] {
  const open = new Map<number, { batch: QueuedPublish[]; bytes: number }>();
  const batches: QueuedPublish[][] = [];
  for (const publish of publishes) {
    const bytes = publish.data.length + publish.meta.length;
    let current = open.get(publish.keys.reader);
    if (!current || current.batch.length >= MAX_BATCH_EVENTS || current.bytes + bytes > MAX_BATCH_BYTES) {
      current = { batch: [], bytes: 0 };
      open.set(publish.keys.reader, current);
      batches.push(current.batch);
    }
    current.batch.push(publish);
    current.bytes += bytes;
  }
  return batches;
}

/**
 * The publish script's KEYS and ARGV for `batch` (see publishScript): each topic's keys once,
 * its `seen` floor, then every event with its topic's number.
 */
export function batchArguments(
  batch: readonly QueuedPublish[],
  historySize: number,
  candidateEpoch: string,
  seen: (topic: string) => number,
): { keys: string[]; args: Array<string | number> } {
  const numbers = new Map<string, number>();
  const keys: string[] = [];
  const floors: number[] = [];
  const events: Array<string | number> = [];
  for (const { topic, keys: topicKeys, data, meta } of batch) {
    let n = numbers.get(topic);
    if (n === undefined) {
      n = numbers.size + 1;
      numbers.set(topic, n);
      keys.push(topicKeys.counter, topicKeys.stream, topicKeys.epoch);
      floors.push(seen(topic));
    }
    events.push(n, data, meta);
  }
  return { keys, args: [historySize, candidateEpoch, ...floors, ...events] };
}

/** The script's reply for a batch of `count`: per event where it was published, or why it failed. */
export function batchResults(reply: unknown, count: number): Array<Published | { failed: string }> {
  if (!Array.isArray(reply) || reply.length !== count * 2)
    throw new Error(`tether/redis: the publish script answered ${String(reply)} for ${count} events`);
  const results: Array<Published | { failed: string }> = [];
  for (let i = 0; i < reply.length; i += 2) {
    const id = Number(reply[i]);
    results.push(id > 0 ? { id, epoch: String(reply[i + 1]) } : { failed: String(reply[i + 1]) });
  }
  return results;
}
