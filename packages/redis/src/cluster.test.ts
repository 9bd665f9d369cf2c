import type { Broker, PresenceStore, TopicEvent } from '@tether/server';
import { Redis } from 'ioredis';
import { describeBroker, describePresence } from '@tether/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisBroker } from './broker/redis-broker.js';
import { redisPresence } from './presence/redis-presence.js';
import { redisRegistry } from './registry/redis-registry.js';
import { startRedisCluster, type RedisCluster } from './testing/redis-cluster.js';

// Broker, presence and registry on a local Redis Cluster of three masters: the same suites as
// on one Redis, with peers seeded from another node than the first, as another process would be.
let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

const seed = (n: number) => cluster.urls[n % cluster.urls.length]!;
let runs = 0;
const prefixes = new WeakMap<object, string>();

const connectBroker = async (prefix: string, historySize: number, node: number) => {
  const broker = redisBroker({ url: seed(node), cluster: true, prefix, historySize });
  prefixes.set(broker, prefix);
  await broker.ready();
  return broker;
};
describeBroker(
  { describe, it, afterEach },
  'redis cluster',
  ({ historySize }) => connectBroker(`cb${++runs}:`, historySize, 0),
  (first, { historySize }) => connectBroker(prefixes.get(first)!, historySize, 1),
);

const TTL = 300;
const connectPresence = async (prefix: string, node: number) => {
  const store = redisPresence({ url: seed(node), cluster: true, prefix, ttl: TTL });
  prefixes.set(store, prefix);
  await store.ready();
  return store;
};
describePresence({ describe, it, afterEach }, 'redis cluster', {
  make: () => connectPresence(`cp${++runs}:`, 0),
  peer: (first: PresenceStore) => connectPresence(prefixes.get(first)!, 2),
  crash: (store) => store.close(),
  ttl: TTL,
});

describe('redis cluster', () => {
  it('fans out many topics between two brokers, in order and without holes, spread over the shards', async () => {
    const prefix = `fan${++runs}:`;
    const [a, b] = await Promise.all([connectBroker(prefix, 1000, 0), connectBroker(prefix, 1000, 1)]);
    const topics = Array.from({ length: 24 }, (_, i) => `room-${i}`);
    const perTopic = 20;
    const seen = new Map<string, TopicEvent[]>();
    let remaining = topics.length * perTopic * 2;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    const listen = (broker: Broker, topic: string) =>
      broker.subscribe(topic, (event) => {
        const key = `${broker === a ? 'a' : 'b'} ${topic}`;
        seen.set(key, [...(seen.get(key) ?? []), event]);
        if (--remaining === 0) done();
      });
    const stops = await Promise.all(topics.flatMap((topic) => [listen(a, topic), listen(b, topic)]));
    await Promise.all(
      topics.map(async (topic, t) => {
        for (let i = 0; i < perTopic; i++) await (i % 2 ? a : b).publish(topic, { t, i });
      }),
    );
    await all;
    for (const topic of topics) {
      for (const side of ['a', 'b']) {
        const events = seen.get(`${side} ${topic}`) ?? [];
        expect(events.map((e) => e.id)).toEqual(Array.from({ length: perTopic }, (_, i) => i + 1));
        expect(events.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: perTopic }, (_, i) => i));
      }
    }
    // The topics' keys live on more than one master: the cluster is used as one, not as one node.
    const sizes = await Promise.all(
      cluster.urls.map(async (url) => {
        const node = new Redis(url);
        try {
          return (await node.keys(`${prefix}*`)).length;
        } finally {
          node.disconnect();
        }
      }),
    );
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThan(1);
    await Promise.all(stops.map((stop) => stop()));
    await Promise.all([a.close(), b.close()]);
  });

  it('registers and routes providers', async () => {
    const prefix = `reg${++runs}:`;
    const one = redisRegistry({ url: seed(0), cluster: true, prefix });
    const two = redisRegistry({ url: seed(2), cluster: true, prefix });
    try {
      await one.register('chat', { nodeId: 'a', url: 'ws://a', load: 5 });
      await two.register('chat', { nodeId: 'b', url: 'ws://b', load: 1 });
      expect((await one.providers('chat')).map((p) => p.nodeId).sort()).toEqual(['a', 'b']);
      expect((await two.route('chat')).nodeId).toBe('b');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
