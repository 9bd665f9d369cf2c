import type { Broker, BrokerStatus, TopicEvent } from '@tether/server';
import { ErrorCode, RpcError } from '@tether/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeBroker } from '@tether/server/testing';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { RedisBroker, redisBroker, type RedisBrokerOptions } from './redis-broker.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

// Each broker gets its own key prefix, so tests share one redis-server without sharing topics;
// a peer shares its first broker's prefix, hence its topics.
let runs = 0;
const prefixes = new WeakMap<Broker, string>();
const connect = async (prefix: string, historySize: number) => {
  const broker = redisBroker({ url: redis.url, prefix, historySize });
  prefixes.set(broker, prefix);
  await broker.ready();
  return broker;
};

describeBroker(
  { describe, it, afterEach },
  'redis',
  ({ historySize }) => connect(`conformance${++runs}:`, historySize),
  (first, { historySize }) => connect(prefixes.get(first)!, historySize),
  // FLUSHALL: Redis loses everything while the broker stays connected, as under a failover to an empty replica.
  async (broker) => {
    await flushAll();
    return broker;
  },
);

async function flushAll(): Promise<void> {
  const connection = new Redis(redis.url, { lazyConnect: true });
  try {
    await connection.connect();
    await connection.flushall();
  } finally {
    connection.disconnect();
  }
}

describe('redis broker', () => {
  const open: RedisBroker[] = [];
  const make = async (options: Partial<RedisBrokerOptions> = {}) => {
    const broker = redisBroker({
      url: redis.url,
      prefix: `own${++runs}:`,
      // Reconnect quickly, so a restart is noticed within the test's time.
      redis: { retryStrategy: () => 20 },
      ...options,
    });
    open.push(broker);
    await broker.ready();
    return broker;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
    if (!redis.running) await redis.start();
  });

  /** Resolves when the broker's status becomes `status`, recording every change on the way. */
  const watchStatus = (broker: Broker) => {
    const changes: BrokerStatus[] = [];
    const waiting = new Map<BrokerStatus, () => void>();
    broker.onStatus((status) => {
      changes.push(status);
      waiting.get(status)?.();
    });
    const next = (status: BrokerStatus) => new Promise<void>((resolve) => waiting.set(status, resolve));
    return { changes, next };
  };

  /** Collects events and resolves `until(n)` once n have arrived. */
  const listen = async (broker: Broker, topic: string) => {
    const seen: TopicEvent[] = [];
    const waits: Array<{ count: number; resolve: () => void }> = [];
    const stop = await broker.subscribe(topic, (event) => {
      seen.push(event);
      for (const w of waits) if (seen.length >= w.count) w.resolve();
    });
    const until = (count: number) =>
      new Promise<void>((resolve) => (seen.length >= count ? resolve() : waits.push({ count, resolve })));
    return { seen, until, stop };
  };

  it('stores data as JSON and hands back the same shape, undefined included', async () => {
    const broker = await make();
    const sub = await listen(broker, 'shapes');
    const values = [{ a: [1, 'two', null] }, 'text', 3.5, null, undefined, true];
    for (const v of values) await broker.publish('shapes', v);
    await sub.until(values.length);
    expect(sub.seen.map((e) => e.data)).toEqual(values);
    expect((await broker.history('shapes', 0)).events.map((e) => e.data)).toEqual(values);
  });

  it('keeps ids consecutive when many processes publish at once', async () => {
    const brokers = await Promise.all([make(), make(), make()]);
    const prefix = `burst${++runs}:`;
    const sharing = await Promise.all(brokers.map(() => make({ prefix })));
    const sub = await listen(sharing[0]!, 'burst');
    const ids = await Promise.all(
      sharing.flatMap((b, n) => Array.from({ length: 100 }, (_, i) => b.publish('burst', { n, i }))),
    );
    expect([...ids].sort((x, y) => x - y)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await sub.until(300);
    expect(sub.seen.map((e) => e.id)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    // Per publisher, the order it published in is the order delivered.
    for (let n = 0; n < 3; n++) {
      const mine = sub.seen.filter((e) => (e.data as { n: number }).n === n).map((e) => (e.data as { i: number }).i);
      expect(mine).toEqual(Array.from({ length: 100 }, (_, i) => i));
    }
  });

  it('subscribes to new topics while its reader is blocked on others', async () => {
    const broker = await make();
    const first = await listen(broker, 'first');
    for (let t = 0; t < 20; t++) {
      const sub = await listen(broker, `late${t}`);
      await broker.publish(`late${t}`, t);
      await sub.until(1);
      expect(sub.seen[0]?.id).toBe(1);
      await sub.stop();
    }
    await broker.publish('first', 'still here');
    await first.until(1);
  });

  it('starts a subscription after the current id, so history afterwards covers the rest', async () => {
    const a = await make();
    for (let i = 1; i <= 5; i++) await a.publish('resume', i);
    const sub = await listen(a, 'resume');
    await a.publish('resume', 6);
    await sub.until(1);
    expect(sub.seen.map((e) => e.id)).toEqual([6]);
    expect((await a.history('resume', 0)).events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('goes degraded when Redis dies, refuses to publish, and resumes with the loss shown as a gap', async () => {
    const publisher = await make({ prefix: 'restart:' });
    const subscriber = await make({ prefix: 'restart:' });
    const status = watchStatus(subscriber);
    const sub = await listen(subscriber, 'feed');
    for (let i = 1; i <= 5; i++) await publisher.publish('feed', i);
    await sub.until(5);

    const degraded = status.next('degraded');
    await redis.kill();
    await degraded;
    expect(subscriber.status).toBe('degraded');
    const refused = await publisher.publish('feed', 'lost').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RpcError);
    expect((refused as RpcError).code).toBe(ErrorCode.Unavailable);
    await expect(subscriber.history('feed', 0)).rejects.toMatchObject({ code: ErrorCode.Unavailable });

    const back = status.next('ok');
    await redis.start();
    await back;
    await statusOk(publisher);
    expect(status.changes).toEqual(['degraded', 'ok']);

    // Redis came back empty: ids go on from where they were, after one skipped id that marks
    // the loss, and a burst right after the restart keeps its call order.
    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => publisher.publish('feed', `after${i}`)));
    expect(burst).toEqual(Array.from({ length: 50 }, (_, i) => 7 + i));
    await sub.until(55);
    expect(sub.seen.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, ...burst]);
    const history = await subscriber.history('feed', 5);
    expect(history).toMatchObject({ complete: false, lastId: 56 });
    expect(history.events.map((e) => e.data)).toEqual(burst.map((_, i) => `after${i}`));
  });

  it('shows events lost mid-stream as a hole in the ids, not a silent loss', async () => {
    const publisher = await make({ prefix: 'midstream:', readBatch: 1 });
    const subscriber = await make({ prefix: 'midstream:', readBatch: 1 });
    const sub = await listen(subscriber, 'feed');
    let acked = 0;
    const publishing = (async () => {
      for (let i = 1; i <= 10_000; i++) acked = await publisher.publish('feed', i);
    })().catch(() => undefined);
    await sub.until(50);
    await redis.kill();
    await publishing;
    await redis.start();
    await Promise.all([statusOk(publisher), statusOk(subscriber)]);

    // Nothing is in flight now: the restarted Redis is empty.
    const before = sub.seen.length;
    const next = await publisher.publish('feed', 'after');
    expect(next).toBeGreaterThan(acked);
    await sub.until(before + 1);
    const ids = sub.seen.map((e) => e.id);
    // Everything read before the kill, in order, then the first event after it, past a hole:
    // ids are never reused, and a reader that was behind (or not) is told it may have missed some.
    expect(ids).toEqual([...Array.from({ length: before }, (_, i) => i + 1), next]);
    expect(before).toBeLessThan(next - 1);
    expect(await subscriber.history('feed', before)).toMatchObject({ complete: false, lastId: next });
  });

  it('still delivers to listeners added while degraded on a topic it already reads', async () => {
    const broker = await make();
    const first = await listen(broker, 'kept');
    const down = watchStatus(broker).next('degraded');
    await redis.kill();
    await down;
    const second = await listen(broker, 'kept');
    await expect(broker.subscribe('other', () => undefined)).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
    });
    await redis.start();
    await statusOk(broker);
    await broker.publish('kept', 'x');
    await Promise.all([first.until(1), second.until(1)]);
    expect(second.seen.map((e) => e.data)).toEqual(['x']);
  });

  it('waits for the first connection, then gives up with Unavailable', async () => {
    const dead = await startRedisServer();
    await dead.kill();
    const broker = redisBroker({ url: dead.url, connectTimeout: 200, redis: { retryStrategy: () => 20 } });
    open.push(broker);
    expect(broker.status).toBe('degraded');
    await expect(broker.publish('t', 1)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });

  it('refuses a history size below 1', () => {
    expect(() => redisBroker({ url: redis.url, historySize: 0 })).toThrow(RangeError);
  });

  /** Resolves once `broker` reports ok (it may already). */
  async function statusOk(broker: RedisBroker): Promise<void> {
    if (broker.status === 'ok') return;
    await watchStatus(broker).next('ok');
  }
});
