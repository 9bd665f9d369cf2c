import { connect, type Client } from '@tether/client';
import type { PresenceChange } from '@tether/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisCluster } from '@tether/redis/testing';
import { killRedisNodes, spawnRedisNode } from './fixtures/redis-nodes.js';

// Two Tether server processes on a local three-master Redis Cluster, each seeded from another node.
let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

const clients = new Set<Client>();
afterEach(async () => {
  await Promise.all([...clients].map((c) => c.close()));
  clients.clear();
  await killRedisNodes();
});

function client(url: string): Client {
  const c = connect(url, { reconnect: { baseDelay: 20, maxDelay: 100 } });
  clients.add(c);
  return c;
}

describe('two Tether processes on a Redis Cluster', () => {
  it('fan out every topic to every client exactly once, in order, with no gap', async () => {
    const nodes = await Promise.all(
      [0, 1].map((n) => spawnRedisNode({ redisUrl: cluster.urls[n]!, prefix: 'fan:', cluster: true })),
    );
    const topics = Array.from({ length: 8 }, (_, i) => `topic-${i}`);
    const perTopic = 15;
    const logs = new Map<string, Array<number | string>>();
    let remaining = topics.length * nodes.length * perTopic;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    for (const [n, node] of nodes.entries()) {
      const c = client(node.url);
      for (const topic of topics) {
        const log: Array<number | string> = [];
        logs.set(`${n} ${topic}`, log);
        await c.subscribe('feed', [topic], {
          onEvent: (_data, id) => {
            log.push(id!);
            if (--remaining === 0) done();
          },
          onGap: (gap) => log.push(`gap ${gap.after}-${gap.next}`),
        }).ready;
      }
    }
    const publishers = nodes.map((node) => client(node.url));
    await Promise.all(
      topics.map(async (topic, t) => {
        for (let i = 0; i < perTopic; i++) await publishers[(t + i) % 2]!.call('publish', [topic, { i }]);
      }),
    );
    await all;
    for (const log of logs.values()) expect(log).toEqual(Array.from({ length: perTopic }, (_, i) => i + 1));
  });

  it("share presence, and drop a SIGKILLed process's entries within the ttl", async () => {
    const ttl = 600;
    const [a, b] = await Promise.all(
      ['a', 'b'].map((nodeId, n) =>
        spawnRedisNode({
          redisUrl: cluster.urls[n]!,
          prefix: 'presence:',
          nodeId,
          ttl: 10_000,
          presenceTtl: ttl,
          cluster: true,
        }),
      ),
    );
    const watcher = client(b!.url);
    const seen: string[] = [];
    let left!: () => void;
    const gone = new Promise<void>((resolve) => (left = resolve));
    await watcher.subscribe<PresenceChange>('lobby', undefined, {
      onEvent: (change) => {
        seen.push(`${change.kind} ${change.key}`);
        if (change.kind === 'leave') left();
      },
    }).ready;
    await client(a!.url).call('track', ['ada']);
    expect((await watcher.call<Array<{ key: string }>>('lobby')).map((e) => e.key)).toEqual(['ada']);
    const killed = Date.now();
    await a!.kill();
    await gone;
    expect(Date.now() - killed).toBeLessThan(ttl * 3);
    expect(seen).toEqual(['join ada', 'leave ada']);
  });
});
