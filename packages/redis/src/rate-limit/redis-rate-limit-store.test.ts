import { ErrorCode } from '@tether/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { redisRateLimitStore } from './redis-rate-limit-store.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let runs = 0;
function store(prefix: string) {
  const made = redisRateLimitStore({ url: redis.url, prefix });
  cleanups.push(() => made.close());
  return made;
}

describe('redis rate limit store', () => {
  const limit = { callsPerSecond: 0.001, burst: 3 };

  it('keeps one bucket per key for every store on the same Redis and prefix', async () => {
    const prefix = `rl${++runs}:`;
    const [a, b] = [store(prefix), store(prefix)];
    expect([await a.take('ada', limit), await b.take('ada', limit), await a.take('ada', limit)]).toEqual([0, 0, 0]);
    const wait = await b.take('ada', limit);
    expect(wait).toBeGreaterThan(990_000);
    expect(await a.take('grace', limit)).toBe(0);
    expect(await store(`rl${++runs}:`).take('ada', limit)).toBe(0);
  });

  it('lets a bucket expire once it would have refilled, so idle keys cost Redis nothing', async () => {
    const prefix = `rl${++runs}:`;
    await store(prefix).take('ada', { callsPerSecond: 10, burst: 5 });
    const inspect = new Redis(redis.url);
    cleanups.push(() => void inspect.disconnect());
    const ttl = await inspect.pttl(`${prefix}ratelimit:ada`);
    // One token short of the burst at 10/s: full again after 100 ms.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(101);
  });

  it('rejects with Unavailable while Redis cannot be reached', async () => {
    const dead = await startRedisServer();
    await dead.kill();
    const unreachable = redisRateLimitStore({ url: dead.url, connectTimeout: 100, redis: { retryStrategy: () => 20 } });
    cleanups.push(
      () => unreachable.close(),
      () => dead.stop(),
    );
    await expect(unreachable.take('ada', limit)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });
});
