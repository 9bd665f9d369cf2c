import type { PresenceChange, PresenceEntry, PresenceStore } from '@tether/server';
import { openConnection, readyWithin, type RedisClient, type RedisTarget } from '../connection.js';
import { closedError, fromRedisError, unavailable } from '../errors.js';
import { holdScript, listScript, releaseScript, sweepScript } from './scripts.js';

/** Options for the Redis presence store. */
export interface RedisPresenceOptions extends RedisTarget {
  /**
   * Milliseconds a node's holds last without a refresh (it refreshes every ttl/3). A node that
   * dies is gone from `list` on every node within the ttl, and its leaves are announced by the
   * next sweep (every ttl/3) after that. Default 15000; at least 30.
   */
  ttl?: number;
  /** Prefix of every key. Default `tether:`. */
  prefix?: string;
  /** How long an operation issued before the first connection waits for it, in ms. Default 10000. */
  connectTimeout?: number;
}

/** Holds expired per topic in one sweep: bounds the time one script holds Redis. */
const SWEEP_BATCH = 1000;

/**
 * A PresenceStore on Redis, shared by every process using the same Redis and prefix. Each hold
 * has an expiry that its node refreshes every ttl/3; every node also sweeps the topics it knows
 * of for expired holds, announcing a leave for each key that lost its last holder. All of a
 * topic's keys share one hash tag, so each script touches one Redis Cluster slot.
 */
export class RedisPresence implements PresenceStore, AsyncDisposable {
  private readonly redis: RedisClient;
  private readonly ttl: number;
  private readonly prefix: string;
  private readonly connectTimeout: number;
  /** This node's holds, per topic: holder -> key and meta, what each refresh renews. */
  private readonly holds = new Map<string, Map<string, { key: string; meta: string }>>();
  private readonly listeners = new Set<(topic: string, change: PresenceChange) => void>();
  private readonly timer: ReturnType<typeof setInterval>;
  private ticking: Promise<void> | undefined;
  private everReady = false;
  private closed = false;

  /** @internal Use `redisPresence()`. */
  constructor(options: RedisPresenceOptions) {
    this.ttl = options.ttl ?? 15_000;
    if (!Number.isSafeInteger(this.ttl) || this.ttl < 30)
      throw new RangeError(`tether/redis: presence ttl must be an integer of at least 30 ms, got ${this.ttl}`);
    this.prefix = options.prefix ?? 'tether:';
    this.connectTimeout = options.connectTimeout ?? 10_000;
    this.redis = openConnection(options, 'tether-presence');
    this.timer = setInterval(
      () => {
        this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
      },
      Math.floor(this.ttl / 3),
    );
    // Serving keeps a process alive; the refresh alone should not.
    this.timer.unref();
  }

  /** Resolves once connected; rejects with Unavailable after `connectTimeout`. */
  async ready(): Promise<void> {
    await this.connected('connect');
  }

  async track(topic: string, key: string, holder: string, meta: unknown): Promise<PresenceChange | undefined> {
    if (holder.includes('\n')) throw new RangeError('tether/redis: a presence holder id cannot contain a newline');
    await this.connected('track');
    const json = JSON.stringify(meta) ?? 'null';
    let topicHolds = this.holds.get(topic);
    if (!topicHolds) {
      topicHolds = new Map();
      this.holds.set(topic, topicHolds);
    }
    const previous = topicHolds.get(holder);
    // Kept before the script runs: were its reply lost, the next refresh still renews the hold.
    topicHolds.set(holder, { key, meta: json });
    try {
      await this.redis.sadd(this.topicsKey(), topic);
      const reply = await holdScript.run(this.redis, this.keys(topic), [this.ttl, 'track', holder, key, json]);
      return changes(reply)[0];
    } catch (error) {
      // Nobody owns a hold whose track failed: it is not renewed, so Redis drops it within the ttl.
      if (previous) topicHolds.set(holder, previous);
      else this.forget(topic, holder);
      throw fromRedisError('presence track', error);
    }
  }

  async untrack(topic: string, key: string, holder: string): Promise<PresenceChange | undefined> {
    // Forgotten first: even if Redis is away, the hold is no longer renewed and expires.
    const held = this.holds.get(topic)?.get(holder);
    if (held?.key === key) this.forget(topic, holder);
    await this.connected('untrack');
    try {
      return changes(await releaseScript.run(this.redis, this.keys(topic), [holder, key]))[0];
    } catch (error) {
      throw fromRedisError('presence untrack', error);
    }
  }

  async list(topic: string): Promise<PresenceEntry[]> {
    await this.connected('presence list');
    let reply: unknown;
    try {
      reply = await listScript.run(this.redis, this.keys(topic), []);
    } catch (error) {
      throw fromRedisError('presence list', error);
    }
    const flat = reply as string[];
    const entries: PresenceEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ key: flat[i]!, meta: parse(flat[i + 1]!) });
    return entries;
  }

  onChange(listener: (topic: string, change: PresenceChange) => void): void {
    this.listeners.add(listener);
  }

  /**
   * Stops refreshing and sweeping, and closes the connection. Holds still made here are left to
   * expire within the ttl (a server releases its own before closing its store).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.listeners.clear();
    await this.ticking;
    this.redis.disconnect();
  }

  /** Closes the store, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** One refresh of this node's holds, then one sweep of every known topic. A failure waits for the next tick. */
  private async tick(): Promise<void> {
    if (this.closed || this.redis.status !== 'ready') return;
    try {
      for (const [topic, holders] of this.holds) {
        const args: Array<string | number> = [this.ttl, 'refresh'];
        for (const [holder, { key, meta }] of holders) args.push(holder, key, meta);
        await this.redis.sadd(this.topicsKey(), topic);
        this.emit(topic, changes(await holdScript.run(this.redis, this.keys(topic), args)));
      }
      for (const topic of await this.redis.smembers(this.topicsKey())) {
        if (this.closed) return;
        this.emit(topic, changes(await sweepScript.run(this.redis, this.keys(topic), [SWEEP_BATCH])));
      }
    } catch {
      // Redis is away or restarting; the next tick tries again, within the ttl.
    }
  }

  private emit(topic: string, found: PresenceChange[]): void {
    for (const change of found) {
      for (const listener of this.listeners) {
        try {
          listener(topic, change);
        } catch {
          // One listener's failure must not keep the others from hearing of the change.
        }
      }
    }
  }

  private forget(topic: string, holder: string): void {
    const topicHolds = this.holds.get(topic);
    if (!topicHolds?.delete(holder) || topicHolds.size > 0) return;
    this.holds.delete(topic);
  }

  private async connected(operation: string): Promise<void> {
    if (this.closed) throw closedError('presence store');
    if (!this.everReady) this.everReady = await readyWithin(this.redis, this.connectTimeout);
    if (this.redis.status !== 'ready') throw unavailable(operation);
  }

  /** A topic's keys, under one hash tag: `{…}` holds the topic, so a cluster puts them in one slot. */
  private keys(topic: string): string[] {
    const tag = `${this.prefix}presence:{${topic}}`;
    return [`${tag}:holders`, `${tag}:meta`, `${tag}:count`];
  }

  /** Every topic a hold was ever made in, for the sweep; each refresh adds its node's topics again. */
  private topicsKey(): string {
    return `${this.prefix}presence:topics`;
  }
}

/** Makes a Redis presence store: `createServer({ presence: redisPresence({ url }) })`. */
export function redisPresence(options: RedisPresenceOptions): RedisPresence {
  return new RedisPresence(options);
}

function changes(reply: unknown): PresenceChange[] {
  const flat = reply as string[];
  const out: PresenceChange[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    out.push({ kind: flat[i] as PresenceChange['kind'], key: flat[i + 1]!, meta: parse(flat[i + 2]!) });
  }
  return out;
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}
