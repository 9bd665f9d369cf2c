import { connect, type Client } from '@tether/client';
import { ErrorCode } from '@tether/core';
import { redisRateLimitStore, type RedisRateLimitStore } from '@tether/redis';
import { startRedisServer, type RedisServer } from '@tether/redis/testing';
import { createServer, type TetherServer } from '@tether/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

type Caller = { user: string };
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server as another process would run it: its own store on the shared Redis. */
async function serverWith(store: RedisRateLimitStore): Promise<TetherServer<Caller>> {
  const server = await createServer<Caller>({
    port: 0,
    authenticate: (request) => ({ user: request.query.get('user') ?? 'anon' }),
    quotas: { callsPerUser: { callsPerSecond: 0.001, burst: 4 }, store },
  });
  server.register('ping', () => 'pong');
  cleanups.push(
    () => store.close(),
    () => server.close({ deadline: 0 }),
  );
  return server;
}

function client(server: TetherServer<Caller>, user: string): Client {
  const made = connect(`${server.url}?user=${user}`);
  cleanups.push(() => made.close());
  return made;
}

describe('calls per user through Redis', () => {
  it('holds one limit for a user across two servers: the fifth call of four is refused on either, others unaffected', async () => {
    const store = () => redisRateLimitStore({ url: redis.url, prefix: 'e2e-limit:' });
    const [a, b] = [await serverWith(store()), await serverWith(store())];
    const [onA, onB, grace] = [client(a, 'ada'), client(b, 'ada'), client(b, 'grace')];
    for (const peer of [onA, onB, onA, onB]) await expect(peer.call('ping')).resolves.toBe('pong');
    for (const peer of [onA, onB]) {
      await expect(peer.call('ping')).rejects.toMatchObject({
        code: ErrorCode.RateLimited,
        message: 'tether: rate limit of 0.001 calls/s per user exceeded',
        data: { retryAfterMs: expect.any(Number) },
      });
    }
    await expect(grace.call('ping')).resolves.toBe('pong');
    expect(a.stats.errors + b.stats.errors).toBe(2);
  });

  it('refuses limited calls with -32006 while Redis cannot be reached, rather than let them through unmetered', async () => {
    const dead = await startRedisServer();
    await dead.kill();
    cleanups.push(() => dead.stop());
    const server = await serverWith(
      redisRateLimitStore({ url: dead.url, connectTimeout: 100, redis: { retryStrategy: () => 20 } }),
    );
    await expect(client(server, 'ada').call('ping')).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    expect(server.stats).toMatchObject({ calls: 1, errors: 1 });
  });
});
