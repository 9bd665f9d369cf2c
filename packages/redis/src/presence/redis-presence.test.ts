import type { PresenceStore } from '@tether/server';
import { ErrorCode } from '@tether/core';
import { describePresence } from '@tether/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { redisPresence } from './redis-presence.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

// Each store gets its own key prefix, so tests share one redis-server; a peer shares its first store's prefix.
const TTL = 300;
let runs = 0;
const prefixes = new WeakMap<PresenceStore, string>();
const connect = async (prefix: string) => {
  const store = redisPresence({ url: redis.url, prefix, ttl: TTL });
  prefixes.set(store, prefix);
  await store.ready();
  return store;
};

describePresence({ describe, it, afterEach }, 'redis', {
  make: () => connect(`presence${++runs}:`),
  peer: (first) => connect(prefixes.get(first)!),
  // A closed store neither untracks nor refreshes: to the others it is a node that died.
  crash: (store) => store.close(),
  ttl: TTL,
});

describe('redis presence', () => {
  it('refuses operations with Unavailable when Redis cannot be reached', async () => {
    const dead = await startRedisServer();
    await dead.kill();
    const store = redisPresence({ url: dead.url, connectTimeout: 100, redis: { retryStrategy: () => 20 } });
    await expect(store.track('t', 'k', 'h', 1)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    await expect(store.list('t')).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    await store.close();
  });

  it('refuses a ttl too short to refresh in time', () => {
    expect(() => redisPresence({ url: redis.url, ttl: 10 })).toThrow(RangeError);
  });
});
