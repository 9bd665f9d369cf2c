import { randomUUID } from 'node:crypto';
import type { Broker, BrokerStatus, EventMeta, HistorySlice, TopicEvent, Unsubscribe } from '@tether/server';
import { openConnection, type RedisClient, type RedisTarget } from '../connection.js';
import { closedError, fromRedisError, publishRefused, unavailable } from '../errors.js';
import { encodeData, encodeMeta, eventId, streamId, toEvent, type RawEntry } from './entries.js';
import { batchArguments, batchResults, PublishBatches, type Published, type QueuedPublish } from './publish-batch.js';
import { Health } from './health.js';
import { BrokerKeys, type TopicKeys } from './keys.js';
import { publishScript, raiseScript } from './scripts.js';
import { StreamReader } from './stream-reader.js';

/** Options for the Redis broker. */
export interface RedisBrokerOptions extends RedisTarget {
  /**
   * Events kept per topic (the stream's exact MAXLEN), for resume. It is also how far a
   * process's reader may fall behind before events are trimmed under it, which its
   * subscribers then see as a gap. Default 1000; at least 1.
   */
  historySize?: number;
  /** Prefix of every key, so that applications (or test runs) can share one Redis. Default `tether:`. */
  prefix?: string;
  /** Most entries read per stream in one XREAD. Default 256. */
  readBatch?: number;
  /** How long an operation issued before the first connection waits for it, in ms. Default 10000. */
  connectTimeout?: number;
  /**
   * Blocking readers, each on a connection of its own, over which topics are spread by a hash
   * of their name. On a cluster each reader's topics share one hash slot, so the readers are
   * what spreads topics over the shards. Default 1 on one Redis, 8 on a cluster.
   */
  readers?: number;
}

interface LocalTopic {
  readonly keys: TopicKeys;
  readonly listeners: Set<(event: TopicEvent) => void>;
  /** The last event id delivered here; undefined until the subscribe has read the counter. */
  position: number | undefined;
  positioned: Promise<void>;
}

/**
 * A Broker over Redis Streams, so that several server processes share their topics. Each topic
 * is a counter and a stream: a Lua script takes the next id and XADDs the event under it, so
 * ids are consecutive across processes, and the stream (trimmed to `historySize`) is both the
 * history and the feed. Pub/sub would carry events but cannot replay them: a reader that
 * blinks (a reconnect, a slow consumer) loses whatever was sent meanwhile, and resume needs a
 * separate store anyway. With a stream, each process's one blocking reader resumes after the
 * last id it delivered, and whatever Redis no longer has shows as a hole in the ids.
 */
export class RedisBroker implements Broker, AsyncDisposable {
  private readonly command: RedisClient;
  private readonly health: Health;
  /** One reader per group of topics (see BrokerKeys), each blocking on its own connection. */
  private readonly readers: StreamReader[];
  private readonly keys: BrokerKeys;
  private readonly wakeKeys: string[];
  private readonly topics = new Map<string, LocalTopic>();
  /** The highest id seen per topic (published or delivered): how far a counter Redis lost is raised. */
  private readonly seen = new Map<string, number>();
  /** Events kept per topic. */
  readonly historySize: number;
  private readonly connectTimeout: number;
  /** The epoch offered to the publish script, which takes it for a topic that has none. */
  private candidateEpoch = newEpoch();
  private closed = false;
  /** The publishes of the current tick, sent together. */
  private readonly batches = new PublishBatches((batch) => void this.sendBatch(batch));

  /** @internal Use `redisBroker()`. */
  constructor(options: RedisBrokerOptions) {
    this.historySize = positiveInteger('historySize', options.historySize ?? 1000);
    this.connectTimeout = options.connectTimeout ?? 10_000;
    const readers = positiveInteger('readers', options.readers ?? (options.cluster ? 8 : 1));
    const readBatch = positiveInteger('readBatch', options.readBatch ?? 256);
    this.keys = new BrokerKeys(options.prefix ?? 'tether:', readers);
    const id = randomUUID();
    this.wakeKeys = Array.from({ length: readers }, (_, n) => this.keys.wake(id, n));
    this.command = openConnection(options, `tether-broker-${id}`);
    const connections = this.wakeKeys.map((_, n) => openConnection(options, `tether-reader-${id}-${n}`));
    this.health = new Health([this.command, ...connections], () => this.recover());
    this.readers = connections.map(
      (connection, n) =>
        new StreamReader(connection, this.command, this.wakeKeys[n]!, readBatch, this.health, {
          positions: () => this.positions(n),
          deliver: (topic, entries) => this.deliver(topic, entries),
        }),
    );
    for (const reader of this.readers) reader.start();
  }

  get status(): BrokerStatus {
    return this.health.status;
  }

  onStatus(listener: (status: BrokerStatus) => void): void {
    this.health.onStatus(listener);
  }

  /** Resolves once connected (status `ok`); rejects with Unavailable after `connectTimeout`. */
  async ready(): Promise<void> {
    await this.usable('connect');
  }

  async publish(topic: string, data: unknown, meta?: EventMeta): Promise<number> {
    const json = encodeData(data);
    await this.usable('publish');
    const keys = this.keys.topic(topic);
    const { id } = await new Promise<Published>((resolve, reject) =>
      this.batches.add({ topic, keys, data: json, meta: encodeMeta(meta), resolve, reject }),
    );
    this.saw(topic, id);
    return id;
  }

  async subscribe(topic: string, listener: (event: TopicEvent) => void): Promise<Unsubscribe> {
    if (this.closed) throw closedError('broker');
    const local = this.topics.get(topic) ?? this.track(topic);
    const own = (event: TopicEvent) => listener(event);
    local.listeners.add(own);
    const unsubscribe = async () => {
      local.listeners.delete(own);
      // The reader drops the stream at its next read; entries already read for it are discarded.
      if (local.listeners.size === 0 && this.topics.get(topic) === local) this.topics.delete(topic);
    };
    try {
      await local.positioned;
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async history(topic: string, afterId: number): Promise<HistorySlice> {
    await this.usable('history');
    const after = Number.isFinite(afterId)
      ? Math.max(0, Math.floor(afterId))
      : afterId > 0
        ? Number.MAX_SAFE_INTEGER
        : 0;
    const keys = this.keys.topic(topic);
    let replies: Array<[Error | null, unknown]> | null;
    try {
      replies = await this.command
        .multi()
        .get(keys.counter)
        .get(keys.epoch)
        .xrange(keys.stream, '-', '+', 'COUNT', 1)
        .xrange(keys.stream, streamId(after + 1), '+')
        .exec();
    } catch (error) {
      throw fromRedisError('history', error);
    }
    const failed = replies?.find(([error]) => error)?.[0];
    if (!replies || failed) throw fromRedisError('history', failed ?? new Error('transaction aborted'));
    const lastId = Number(replies[0]?.[1] ?? 0);
    const epoch = (replies[1]?.[1] as string | null) ?? undefined;
    const oldest = (replies[2]?.[1] as RawEntry[])[0];
    const first = oldest ? eventId(oldest[0]) : lastId + 1;
    const events: TopicEvent[] = [];
    for (const entry of replies[3]?.[1] as RawEntry[]) {
      const event = toEvent(topic, entry);
      // Entries of an earlier epoch (a partly lost topic) belong to a history that is gone.
      if (event && event.epoch === epoch) events.push(event);
    }
    return { events, complete: after >= lastId || after >= first - 1, lastId, epoch };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.topics.clear();
    this.health.close();
    await Promise.all(this.readers.map((reader) => reader.close()));
    // One DEL per key: on a cluster each wake key is in its own slot.
    await Promise.all(this.wakeKeys.map((key) => this.command.del(key).catch(() => undefined)));
    this.command.disconnect();
  }

  /** Closes the broker, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Publishes one batch (see PublishBatches) in one script call, and settles each of its publishes. */
  private async sendBatch(batch: QueuedPublish[]): Promise<void> {
    let results: ReturnType<typeof batchResults>;
    const candidate = this.candidateEpoch;
    try {
      if (this.closed) throw closedError('broker');
      const { keys, args } = batchArguments(batch, this.historySize, candidate, (t) => this.seen.get(t) ?? 0);
      results = batchResults(await publishScript.run(this.command, keys, args), batch.length);
    } catch (error) {
      const reason = fromRedisError('publish', error);
      for (const publish of batch) publish.reject(reason);
      return;
    }
    results.forEach((result, i) => {
      const publish = batch[i]!;
      if ('failed' in result) {
        publish.reject(publishRefused(publish.topic, result.failed));
        return;
      }
      // Taken for a new epoch: the next one this broker offers must differ, or a second loss would go unseen.
      if (result.epoch === candidate) this.candidateEpoch = newEpoch();
      publish.resolve(result);
    });
  }

  /** Waits for the first connection, or fails fast once the broker has been up and is degraded. */
  private async usable(operation: string): Promise<void> {
    if (this.closed) throw closedError('broker');
    if (this.health.status !== 'ok' && !this.health.everOk) await this.health.okWithin(this.connectTimeout);
    if (this.closed) throw closedError('broker');
    if (this.health.status !== 'ok') throw unavailable(operation);
  }

  private track(topic: string): LocalTopic {
    const local: LocalTopic = {
      keys: this.keys.topic(topic),
      listeners: new Set(),
      position: undefined,
      positioned: Promise.resolve(),
    };
    local.positioned = this.position(local);
    this.topics.set(topic, local);
    return local;
  }

  /** Starts `local` after the topic's current id: every later publish is read, every earlier one is history. */
  private async position(local: LocalTopic): Promise<void> {
    await this.usable('subscribe');
    let counter: string | null;
    try {
      counter = await this.command.get(local.keys.counter);
    } catch (error) {
      throw fromRedisError('subscribe', error);
    }
    local.position = Number(counter ?? 0);
    this.readers[local.keys.reader]?.changed();
  }

  private *positions(reader: number): Iterable<{ topic: string; stream: string; after: number }> {
    for (const [topic, local] of this.topics) {
      if (local.position !== undefined && local.keys.reader === reader)
        yield { topic, stream: local.keys.stream, after: local.position };
    }
  }

  /** Hands each entry past the topic's position to every local listener, once, in id order. */
  private deliver(topic: string, entries: RawEntry[]): void {
    const local = this.topics.get(topic);
    if (!local || local.position === undefined) return;
    let position = local.position;
    for (const entry of entries) {
      const event = toEvent(topic, entry);
      if (!event || event.id <= position) continue;
      position = local.position = event.id;
      for (const listener of local.listeners) {
        try {
          listener(event);
        } catch {
          // A listener's failure is its own; the others still get the event.
        }
      }
    }
    this.saw(topic, position);
  }

  /**
   * Runs on every (re)connect before the status turns ok. Redis may have come back empty: the
   * epoch offered is a new one, the scripts are loaded again, and each subscribed topic's
   * counter is raised to at least what was delivered here, so the reader, resuming after that
   * id, cannot skip events numbered from 1 again.
   */
  private async recover(): Promise<void> {
    // A publish whose reply died with the connection may have taken the candidate unseen: offered
    // again to a Redis that came back empty, it would give the topic the lost history's epoch,
    // and positions in that history would pass for positions in the new one.
    this.candidateEpoch = newEpoch();
    await Promise.all([publishScript.load(this.command), raiseScript.load(this.command)]);
    const raises: Array<Promise<unknown>> = [];
    for (const [topic, { position, keys }] of this.topics) {
      if (position === undefined) continue;
      const floor = Math.max(position, this.seen.get(topic) ?? 0);
      raises.push(raiseScript.run(this.command, [keys.counter, keys.stream], [floor]));
    }
    await Promise.all(raises);
    for (const reader of this.readers) reader.changed();
  }

  private saw(topic: string, id: number): void {
    if (id > (this.seen.get(topic) ?? 0)) this.seen.set(topic, id);
  }
}

/** Makes a Redis broker: `createServer({ broker: redisBroker({ url }) })`. */
export function redisBroker(options: RedisBrokerOptions): RedisBroker {
  return new RedisBroker(options);
}

/** A fresh epoch: 64 random bits, so that two incarnations of a topic never share one. */
function newEpoch(): string {
  return randomUUID().replaceAll('-', '').slice(0, 16);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`tether/redis: ${name} must be a positive integer, got ${value}`);
  return value;
}
