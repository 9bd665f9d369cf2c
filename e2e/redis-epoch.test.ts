import { connect, type Client, type SubscriptionGap } from '@tether/client';
import { redisBroker, type RedisBroker } from '@tether/redis';
import { createServer, type TetherServer } from '@tether/server';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '@tether/redis/testing';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

let runs = 0;
async function broker(prefix: string): Promise<RedisBroker> {
  const b = redisBroker({ url: redis.url, prefix, historySize: 5000 });
  cleanup.push(() => b.close());
  await b.ready();
  return b;
}

async function server(b: RedisBroker): Promise<TetherServer<undefined>> {
  const s = await createServer({ port: 0, broker: b });
  s.subscription('feed', () => s.topic('feed'));
  cleanup.push(() => s.close({ deadline: 0 }));
  return s;
}

function client(url: string): Client {
  const c = connect(url, { reconnect: { baseDelay: 5, maxDelay: 20 } });
  cleanup.push(() => c.close());
  return c;
}

/** Subscribes, logging events and gaps; `until(id)` resolves once event `id` has arrived. */
function subscribe(c: Client, options: { after?: number; epoch?: string } = {}) {
  const ids: number[] = [];
  const gaps: SubscriptionGap[] = [];
  let arrived = () => undefined as void;
  const sub = c.subscribe('feed', [], {
    ...options,
    onEvent: (_data, id) => {
      ids.push(id!);
      arrived();
    },
    onGap: (gap) => gaps.push(gap),
  });
  const until = (id: number) =>
    new Promise<void>((resolve) => {
      arrived = () => (ids.includes(id) ? resolve() : undefined);
      arrived();
    });
  return { sub, ids, gaps, until };
}

async function flushAll(): Promise<void> {
  const connection = new Redis(redis.url, { lazyConnect: true });
  await connection.connect();
  await connection.flushall();
  connection.disconnect();
}

describe('a Redis that lost its data', () => {
  it('tells a resuming subscriber the topic restarted, where ids alone show a one-event hole', async () => {
    const prefix = `hole${++runs}:`;
    const s = await server(await broker(prefix));
    const c = client(s.url);
    const first = subscribe(c);
    await first.sub.ready;
    for (let i = 1; i <= 1999; i++) void s.publish('feed', i);
    await first.until(1999);
    const position = { after: first.sub.lastEventId!, epoch: first.sub.epoch! };
    await first.sub.unsubscribe(); // the subscriber goes away, keeping its position

    // Another process publishes 2,000 more, then it and Redis's data are gone together: none
    // of the survivors saw those ids, so the counter is raised only past 1,999.
    const other = await broker(prefix);
    await Promise.all(Array.from({ length: 2000 }, (_, i) => other.publish('feed', 2000 + i)));
    await other.close();
    await flushAll();
    for (let i = 1; i <= 2500; i++) await s.publish('feed', `new${i}`);

    const resumed = subscribe(c, position);
    await resumed.until(4500);
    // Not {after: 1999, next: 2001}: events 2000..3999 were lost too, so the gap says the
    // topic restarted, and the new epoch is delivered from its first event.
    expect(resumed.gaps).toEqual([{ after: 1999, next: 2001, restarted: true, epoch: expect.any(String) }]);
    expect(resumed.gaps[0]!.epoch).not.toBe(position.epoch);
    expect(resumed.ids).toEqual(Array.from({ length: 2500 }, (_, i) => 2001 + i));
    expect(resumed.sub.epoch).toBe(resumed.gaps[0]!.epoch);
  });

  it('tells a live subscriber at once when Redis is flushed under it', async () => {
    const s = await server(await broker(`live${++runs}:`));
    const c = client(s.url);
    const live = subscribe(c);
    await live.sub.ready;
    for (let i = 1; i <= 5; i++) await s.publish('feed', i);
    await live.until(5);
    const epoch = live.sub.epoch;
    await flushAll();
    for (let i = 1; i <= 3; i++) await s.publish('feed', `new${i}`);
    await live.until(9);
    expect(live.gaps).toEqual([{ after: 5, next: 7, restarted: true, epoch: expect.any(String) }]);
    expect(live.gaps[0]!.epoch).not.toBe(epoch);
    expect(live.ids).toEqual([1, 2, 3, 4, 5, 7, 8, 9]);
    expect(live.sub.epoch).toBe(live.gaps[0]!.epoch);
  });

  it('replays the new epoch to a live subscriber whose broker reads past its first ids', async () => {
    const prefix = `late${++runs}:`;
    const s = await server(await broker(prefix));
    const c = client(s.url);
    const live = subscribe(c);
    await live.sub.ready;
    for (let i = 1; i <= 50; i++) await s.publish('feed', i);
    await live.until(50);
    await flushAll();
    // A process that had seen nothing of the topic numbers it from 1 again, below where this
    // server's reader resumes: it reads only 51 onward.
    const other = await broker(prefix);
    for (let i = 1; i <= 60; i++) await other.publish('feed', `new${i}`);
    await live.until(60); // the last one published: every other has come before it
    expect(live.gaps).toEqual([{ after: 50, next: 1, restarted: true, epoch: expect.any(String) }]);
    expect(live.ids).toEqual([
      ...Array.from({ length: 50 }, (_, i) => i + 1),
      ...Array.from({ length: 60 }, (_, i) => i + 1),
    ]);
  });

  it('tells a subscriber when Redis restarts empty', async () => {
    const b = await broker(`restart${++runs}:`);
    const s = await server(b);
    const c = client(s.url);
    const live = subscribe(c);
    await live.sub.ready;
    for (let i = 1; i <= 5; i++) await s.publish('feed', i);
    await live.until(5);
    const down = new Promise<void>((resolve) => b.onStatus((status) => status === 'degraded' && resolve()));
    await redis.kill();
    await down;
    const up = new Promise<void>((resolve) => b.onStatus((status) => status === 'ok' && resolve()));
    await redis.start();
    await up;
    await s.publish('feed', 'after');
    await live.until(7);
    expect(live.gaps).toEqual([{ after: 5, next: 7, restarted: true, epoch: expect.any(String) }]);
  });
});
