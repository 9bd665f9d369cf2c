import { connect, type Client } from '@tether/client';
import { ErrorCode } from '@tether/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '@tether/redis/testing';
import { killRedisNodes, spawnRedisNode } from './fixtures/redis-nodes.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const clients = new Set<Client>();
afterEach(async () => {
  await Promise.all([...clients].map((c) => c.close()));
  clients.clear();
  await killRedisNodes();
  if (!redis.running) await redis.start();
});

const spawnNode = (prefix: string) => spawnRedisNode({ redisUrl: redis.url, prefix });

type Entry = { kind: 'event'; id: number; data: unknown } | { kind: 'gap'; after: number; next: number };

/** A client subscribed to `topic`, logging events and gaps in arrival order. */
async function subscriber(url: string, topic: string) {
  const client = connect(url, { reconnect: { baseDelay: 20, maxDelay: 100 } });
  clients.add(client);
  const log: Entry[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  const events = () => log.filter((e): e is Extract<Entry, { kind: 'event' }> => e.kind === 'event');
  const sub = client.subscribe('feed', [topic], {
    onEvent: (data, id) => {
      log.push({ kind: 'event', id: id!, data });
      if (waiter && events().length >= waiter.count) waiter.resolve();
    },
    onGap: (gap) => log.push({ kind: 'gap', ...gap }),
  });
  await sub.ready;
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      if (events().length >= count) resolve();
      else waiter = { count, resolve };
    });
  return { client, log, events, until };
}

/** Ids rise by one, except right after a reported gap, which they then match: no silent hole. */
function expectNoSilentHole(log: Entry[]): void {
  let last: number | undefined;
  let gap: { after: number; next: number } | undefined;
  for (const entry of log) {
    if (entry.kind === 'gap') {
      expect(entry.after).toBe(last);
      gap = entry;
      continue;
    }
    if (last !== undefined) {
      if (gap) expect(entry.id).toBe(gap.next);
      else expect(entry.id).toBe(last + 1);
    }
    last = entry.id;
    gap = undefined;
  }
}

let runs = 0;

describe.each([2, 3])('%i Tether server processes sharing one Redis', (count) => {
  it('deliver every event to every client exactly once and in order', async () => {
    const prefix = `cluster${count}-${++runs}:`;
    const nodes = await Promise.all(Array.from({ length: count }, () => spawnNode(prefix)));
    const subs = await Promise.all(
      Array.from({ length: count * 2 }, (_, i) => subscriber(nodes[i % count]!.url, 'room')),
    );
    const perClient = 25;
    const total = perClient * subs.length;

    // Every client publishes through its own server, all at once.
    const acked = await Promise.all(
      subs.map(async ({ client }, from) => {
        const ids: number[] = [];
        for (let i = 0; i < perClient; i++) ids.push(await client.call<number>('publish', ['room', { from, i }]));
        return ids;
      }),
    );
    expect(acked.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));

    await Promise.all(subs.map((s) => s.until(total)));
    const reference = subs[0]!.events().map((e) => e.data);
    for (const s of subs) {
      expect(s.log.filter((e) => e.kind === 'gap')).toEqual([]);
      expect(s.events().map((e) => e.id)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(s.events().map((e) => e.data)).toEqual(reference);
    }
    // Each publisher's events arrive in the order it published them.
    for (let from = 0; from < subs.length; from++) {
      const mine = reference.filter((d) => (d as { from: number }).from === from).map((d) => (d as { i: number }).i);
      expect(mine).toEqual(Array.from({ length: perClient }, (_, i) => i));
    }
  });
});

describe('a Redis restart under a cluster', () => {
  it('keeps servers answering, reports degraded then ok, resumes fan-out and shows the loss as a gap', async () => {
    const prefix = `restart-${++runs}:`;
    const nodes = await Promise.all([spawnNode(prefix), spawnNode(prefix)]);
    const subs = await Promise.all([0, 1, 2, 3].map((i) => subscriber(nodes[i % 2]!.url, 'room')));
    const publisher = subs[0]!.client;

    // Publishing runs until Redis goes away under it.
    let acked = 0;
    let refusal: unknown;
    const publishing = (async () => {
      for (let i = 0; i < 10_000; i++) acked = await publisher.call<number>('publish', ['room', i]);
    })().catch((error: unknown) => (refusal = error));
    await Promise.all(subs.map((s) => s.until(20)));
    const degraded = nodes.map((n) => n.next('degraded'));
    const ok = nodes.map((n) => n.next('ok'));
    await redis.kill();
    await Promise.all(degraded);
    await publishing;
    expect(refusal).toMatchObject({ code: ErrorCode.Unavailable });

    // Everything that does not need Redis goes on.
    for (const { client } of subs) {
      expect(typeof (await client.call('ping'))).toBe('number');
      expect(await client.call('brokerStatus')).toBe('degraded');
    }
    await expect(subs[1]!.client.call('publish', ['room', 'refused'])).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
    });

    await redis.start();
    await Promise.all(ok);
    const before = subs.map((s) => s.events().length);
    const after: number[] = [];
    for (let i = 0; i < 10; i++) after.push(await subs[i % 4]!.client.call<number>('publish', ['room', `after${i}`]));
    expect(after[0]).toBeGreaterThan(acked + 1);
    expect(after).toEqual(Array.from({ length: 10 }, (_, i) => after[0]! + i));

    await Promise.all(subs.map((s, i) => s.until(before[i]! + 10)));
    for (const s of subs) {
      expectNoSilentHole(s.log);
      expect(s.log.filter((e) => e.kind === 'gap')).toHaveLength(1);
      expect(
        s
          .events()
          .slice(-10)
          .map((e) => e.data),
      ).toEqual(Array.from({ length: 10 }, (_, i) => `after${i}`));
    }
  });
});
