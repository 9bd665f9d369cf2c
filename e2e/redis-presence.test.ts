import { connect, type Client } from '@tether/client';
import type { PresenceChange, PresenceEntry } from '@tether/server';
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
});

const TTL = 600;
let runs = 0;
const twoNodes = () => {
  const prefix = `presence${++runs}:`;
  return Promise.all(
    ['a', 'b'].map((nodeId) => spawnRedisNode({ redisUrl: redis.url, prefix, nodeId, ttl: 10_000, presenceTtl: TTL })),
  );
};

function client(url: string): Client {
  const c = connect(url, { reconnect: { maxRetries: 0 } });
  clients.add(c);
  return c;
}

/** A client watching the lobby's changes; `until(check)` resolves once the changes seen pass it. */
async function watcher(url: string) {
  const c = client(url);
  const seen: string[] = [];
  const waits = new Set<{ check: (seen: string[]) => boolean; resolve: () => void }>();
  await c.subscribe<PresenceChange>('lobby', undefined, {
    onEvent: (change) => {
      seen.push(`${change.kind} ${change.key}`);
      for (const w of waits) if (w.check(seen)) (waits.delete(w), w.resolve());
    },
  }).ready;
  const until = (check: (seen: string[]) => boolean) =>
    new Promise<void>((resolve) => (check(seen) ? resolve() : waits.add({ check, resolve })));
  return { seen, until, list: async () => (await c.call<PresenceEntry[]>('lobby')).map((e) => e.key).sort() };
}

describe('presence across two processes sharing one Redis', () => {
  it("lists a connection tracked on one node on the other, and drops a SIGKILLed node's entries within the ttl", async () => {
    const [a, b] = await twoNodes();
    const onB = await watcher(b!.url);
    await client(a!.url).call('track', ['ada']);
    await client(b!.url).call('track', ['bob']);
    expect(await onB.list()).toEqual(['ada', 'bob']);
    const killed = Date.now();
    await a!.kill();
    await onB.until((seen) => seen.includes('leave ada'));
    // The ttl, then at most one sweep interval (ttl/3), plus scheduling slack on a busy machine.
    expect(Date.now() - killed).toBeLessThan(TTL * 3);
    expect(await onB.list()).toEqual(['bob']);
    expect(onB.seen).toEqual(['join ada', 'join bob', 'leave ada']);
  });

  it('keeps one entry, and no leave, for a client that moved to the other node before its first node died', async () => {
    const [a, b] = await twoNodes();
    const onB = await watcher(b!.url);
    const old = client(a!.url);
    await old.call('track', ['ada']);
    // Held only on the node that dies: its leave shows that the sweep has run.
    await old.call('track', ['ghost']);
    await client(b!.url).call('track', ['ada']);
    expect(await onB.list()).toEqual(['ada', 'ghost']);
    await a!.kill();
    await onB.until((seen) => seen.includes('leave ghost'));
    expect(await onB.list()).toEqual(['ada']);
    // Its metadata names the node holding it last: the move shows as an update, not a leave and a join.
    expect(onB.seen).toEqual(['join ada', 'join ghost', 'update ada', 'leave ghost']);
  });
});
