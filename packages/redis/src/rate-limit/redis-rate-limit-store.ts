import type { RateLimit, RateLimitStore } from '@tether/server';
import { openConnection, readyWithin, type RedisClient, type RedisTarget } from '../connection.js';
import { closedError, fromRedisError, unavailable } from '../errors.js';
import { LuaScript } from '../lua-script.js';

/** Options for the Redis rate limit store. */
export interface RedisRateLimitStoreOptions extends RedisTarget {
  /** Prefix of every key. Default `tether:`. */
  prefix?: string;
  /** How long a call made before the first connection waits for it, in ms. Default 10000. */
  connectTimeout?: number;
}

/**
 * One token bucket in a hash, refilled by Redis's own clock so that servers with skewed clocks
 * agree. A bucket expires once it would have refilled to its burst: an idle user costs nothing.
 * KEYS[1] the bucket; ARGV: calls per second, burst. Returns 0, or the ms until a call is allowed.
 */
const takeScript = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1)
return wait
`);

/**
 * A RateLimitStore on Redis: each user's bucket is shared by every server using the same Redis
 * and prefix, so `quotas.callsPerUser` holds across processes. One script run per limited call;
 * while Redis is unreachable, limited calls are refused with -32006 rather than let through unmetered.
 */
export class RedisRateLimitStore implements RateLimitStore, AsyncDisposable {
  private readonly redis: RedisClient;
  private readonly prefix: string;
  private readonly connectTimeout: number;
  private everReady = false;
  private closed = false;

  /** @internal Use `redisRateLimitStore()`. */
  constructor(options: RedisRateLimitStoreOptions) {
    this.prefix = options.prefix ?? 'tether:';
    this.connectTimeout = options.connectTimeout ?? 10_000;
    this.redis = openConnection(options, 'tether-rate-limit');
    this.redis.on('ready', () => void takeScript.load(this.redis).catch(() => undefined));
  }

  async take(key: string, limit: RateLimit): Promise<number> {
    if (this.closed) throw closedError('rate limit store');
    if (!this.everReady) this.everReady = await readyWithin(this.redis, this.connectTimeout);
    if (this.redis.status !== 'ready') throw unavailable('rate limit');
    try {
      const wait = await takeScript.run(
        this.redis,
        [`${this.prefix}ratelimit:${key}`],
        [limit.callsPerSecond, limit.burst ?? limit.callsPerSecond],
      );
      return Number(wait);
    } catch (error) {
      throw fromRedisError('rate limit', error);
    }
  }

  /** Disconnects from Redis; takes refuse from then on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.redis.disconnect();
  }

  /** Closes the store, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Makes a RateLimitStore on Redis, for `quotas: { callsPerUser, store }` of every server that shares the limit. */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RedisRateLimitStore {
  return new RedisRateLimitStore(options);
}
