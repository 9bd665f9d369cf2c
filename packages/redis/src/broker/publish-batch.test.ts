import { ErrorCode } from '@tether/core';
import type { TopicEvent } from '@tether/server';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { BrokerKeys } from './keys.js';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, split, type QueuedPublish } from './publish-batch.js';
import { redisBroker, type RedisBroker, type RedisBrokerOptions } from './redis-broker.js';

let redis: RedisServer;
let direct: Redis;
beforeAll(async () => {
  redis = await startRedisServer();
  direct = new Redis(redis.url);
});
afterAll(async () => {
  direct?.disconnect();
  await redis?.stop();
});

/** Script calls Redis has run so far (EVALSHA, and EVAL should a script be missing): one per batch. */
async function scriptCalls(): Promise<number> {
  const stats = await direct.info('commandstats');
  let calls = 0;
  for (const [, n] of stats.matchAll(/^cmdstat_eval(?:sha)?:calls=(\d+)/gm)) calls += Number(n);
  return calls;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('publishes made in one tick', () => {
  const open: RedisBroker[] = [];
  let runs = 0;
  const make = async (options: Partial<RedisBrokerOptions> = {}) => {
    const broker = redisBroker({ url: redis.url, prefix: `batch${++runs}:`, ...options });
    open.push(broker);
    await broker.ready();
    return broker;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  const listen = async (broker: RedisBroker, topic: string, count: number) => {
    const seen: TopicEvent[] = [];
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await broker.subscribe(topic, (event) => {
      if (seen.push(event) === count) done();
    });
    return { seen, all };
  };

  it('reach Redis as one script call, numbered and delivered in call order', async () => {
    const broker = await make();
    const a = await listen(broker, 'a', 60);
    const b = await listen(broker, 'b', 40);
    const before = await scriptCalls();
    const publishes = range(0, 100).map((i) => (i % 5 < 3 ? broker.publish('a', i) : broker.publish('b', i)));
    const ids = await Promise.all(publishes);
    expect((await scriptCalls()) - before).toBe(1);
    const aSent = range(0, 100).filter((i) => i % 5 < 3);
    const bSent = range(0, 100).filter((i) => i % 5 >= 3);
    expect(aSent.map((i) => ids[i])).toEqual(range(1, 60));
    expect(bSent.map((i) => ids[i])).toEqual(range(1, 40));
    await Promise.all([a.all, b.all]);
    expect(a.seen.map((e) => e.data)).toEqual(aSent);
    expect(b.seen.map((e) => [e.id, e.data])).toEqual(bSent.map((data, i) => [i + 1, data]));
  });

  it('are one call per batch of at most MAX_BATCH_EVENTS, still in call order', async () => {
    const broker = await make({ historySize: 1000 });
    const count = 2 * MAX_BATCH_EVENTS + 10;
    const before = await scriptCalls();
    const ids = await Promise.all(range(0, count).map((i) => broker.publish('t', i)));
    expect((await scriptCalls()) - before).toBe(3);
    expect(ids).toEqual(range(1, count));
    expect((await broker.history('t', 0)).events.map((e) => e.data)).toEqual(range(0, count));
  });

  it('awaited one by one are one call each, so a lone publish waits for no other', async () => {
    const broker = await make();
    const before = await scriptCalls();
    for (let i = 1; i <= 5; i++) expect(await broker.publish('t', i)).toBe(i);
    expect((await scriptCalls()) - before).toBe(5);
  });

  it('keep exactly historySize events when the batch is longer than the history', async () => {
    const broker = await make({ historySize: 10 });
    await Promise.all(range(1, 50).map((i) => broker.publish('t', i)));
    const history = await broker.history('t', 0);
    expect(history).toMatchObject({ complete: false, lastId: 50 });
    expect(history.events.map((e) => e.id)).toEqual(range(41, 10));
    expect(await direct.xlen(new BrokerKeys(`batch${runs}:`, 1).topic('t').stream)).toBe(10);
  });

  it('fail only the events of a topic whose keys Redis refuses, and leave no hole in it', async () => {
    const broker = await make();
    const keys = new BrokerKeys(`batch${runs}:`, 1);
    // Something else wrote a string where the topic's stream should be.
    await direct.set(keys.topic('bad').stream, 'not a stream');
    const settled = await Promise.allSettled(
      range(0, 6).map((i) => (i % 2 === 0 ? broker.publish('good', i) : broker.publish('bad', i))),
    );
    expect(settled.filter((_, i) => i % 2 === 0)).toEqual([1, 2, 3].map((id) => ({ status: 'fulfilled', value: id })));
    for (const result of settled.filter((_, i) => i % 2 === 1)) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as { code: number; message: string };
      expect(reason.code).toBe(ErrorCode.InternalError);
      expect(reason.message).toContain('publish on "bad" failed: WRONGTYPE');
    }
    expect(await direct.get(keys.topic('bad').counter)).toBeNull();
    await direct.del(keys.topic('bad').stream);
    expect(await broker.publish('bad', 'now')).toBe(1);
    expect((await broker.history('good', 0)).events.map((e) => e.data)).toEqual([0, 2, 4]);
  });
});

describe('split', () => {
  const keys = new BrokerKeys('p:', 4);
  const queued = (topic: string, data = 'x'): QueuedPublish => ({
    topic,
    keys: keys.topic(topic),
    data,
    meta: '',
    resolve: () => undefined,
    reject: () => undefined,
  });
  /** Topics that fall in different reader groups, so that on a cluster each is another hash slot. */
  const [first, second] = (() => {
    const found: string[] = [];
    for (let i = 0; found.length < 2; i++) {
      const topic = `topic${i}`;
      if (found.every((t) => keys.topic(t).reader !== keys.topic(topic).reader)) found.push(topic);
    }
    return found as [string, string];
  })();

  it('keeps each reader group in a batch of its own, in call order', () => {
    const publishes = [queued(first, '1'), queued(second, '2'), queued(first, '3')];
    expect(split(publishes).map((batch) => batch.map((p) => p.data))).toEqual([['1', '3'], ['2']]);
  });

  it('cuts a group at MAX_BATCH_EVENTS and at MAX_BATCH_BYTES', () => {
    const many = range(0, MAX_BATCH_EVENTS + 1).map(() => queued(first));
    expect(split(many).map((batch) => batch.length)).toEqual([MAX_BATCH_EVENTS, 1]);
    const large = 'x'.repeat(MAX_BATCH_BYTES / 2);
    expect(split([queued(first, large), queued(first, large), queued(first, large)]).map((b) => b.length)).toEqual([
      2, 1,
    ]);
    // One event larger than the bound still goes, alone.
    expect(split([queued(first, `${large}${large}x`), queued(first)]).map((b) => b.length)).toEqual([1, 1]);
  });
});
