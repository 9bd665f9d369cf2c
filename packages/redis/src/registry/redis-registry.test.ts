import { createMemoryTransportPair, ErrorCode, Peer } from '@tether/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { spawnProvider } from '../testing/spawn-provider.js';
import type { Provider } from './provider.js';
import { redisRegistry, type RedisRegistry, type RedisRegistryOptions } from './redis-registry.js';
import { ServiceRouter } from './router.js';
import { eventually } from '../testing/eventually.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

let runs = 0;
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
  if (!redis.running) await redis.start();
});
const makeRegistry = (options: Partial<RedisRegistryOptions> = {}, prefix = `reg${++runs}:`) => {
  const registry = redisRegistry({ url: redis.url, prefix, redis: { retryStrategy: () => 20 }, ...options });
  open.push(registry);
  return registry;
};

const ids = (providers: Provider[]) => providers.map((p) => p.nodeId).sort();

describe('redis registry', () => {
  it('lists providers registered from other registries, and forgets one that unregisters', async () => {
    const prefix = `shared${++runs}:`;
    const [a, b, reader] = [makeRegistry({}, prefix), makeRegistry({}, prefix), makeRegistry({}, prefix)];
    const ra = await a.register('chat', { nodeId: 'a', url: 'ws://a', methods: ['send'] });
    await b.register('chat', { nodeId: 'b', url: 'ws://b', load: 2 });
    await b.register('files', { nodeId: 'b', url: 'ws://b' });
    const chat = await reader.providers('chat');
    expect(ids(chat)).toEqual(['a', 'b']);
    expect(chat.find((p) => p.nodeId === 'a')).toEqual({
      service: 'chat',
      nodeId: 'a',
      url: 'ws://a',
      methods: ['send'],
      load: 0,
    });
    expect(ids(await reader.providers('files'))).toEqual(['b']);
    expect(await reader.providers('nothing')).toEqual([]);
    await ra.unregister();
    expect(ids(await reader.providers('chat'))).toEqual(['b']);
  });

  it('routes round-robin among equals, to the least loaded first, and by method', async () => {
    const registry = makeRegistry();
    await registry.register('svc', { nodeId: 'n1', url: 'ws://1', methods: ['ping'] });
    await registry.register('svc', { nodeId: 'n2', url: 'ws://2', methods: ['ping'] });
    const picks = [];
    for (let i = 0; i < 4; i++) picks.push((await registry.route('svc', 'ping')).nodeId);
    expect(picks).toEqual(['n1', 'n2', 'n1', 'n2']);

    const busy = await registry.register('svc', { nodeId: 'n3', url: 'ws://3', methods: ['only'] });
    const r1 = await registry.register('load', { nodeId: 'x', url: 'ws://x', load: 10 });
    await registry.register('load', { nodeId: 'y', url: 'ws://y', load: 3 });
    expect((await registry.route('load')).nodeId).toBe('y');
    r1.setLoad(1);
    await r1.beat();
    expect((await registry.route('load')).nodeId).toBe('x');

    expect((await registry.route('svc', 'only')).nodeId).toBe('n3');
    await busy.unregister();
    await expect(registry.route('svc', 'only')).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    await expect(registry.route('none')).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });

  it('drops a provider whose process dies, within its TTL', async () => {
    const prefix = `crash${++runs}:`;
    const ttl = 600;
    const registry = makeRegistry({ ttl }, prefix);
    const raw = new Redis(redis.url);
    open.push({ close: async () => raw.disconnect() });
    await registry.register('svc', { nodeId: 'survivor', url: 'ws://s' });
    const child = await spawnProvider({ url: redis.url, service: 'svc', nodeId: 'doomed', ttl, prefix });
    open.push({ close: async () => void child.kill('SIGKILL') });
    expect(ids(await registry.providers('svc'))).toEqual(['doomed', 'survivor']);
    // Alive, its heartbeat renews the record before it expires.
    const record = `${prefix}service:{svc}:provider:doomed`;
    let lowest = await raw.pttl(record);
    await eventually(async () => {
      const left = await raw.pttl(record);
      lowest = Math.min(lowest, left);
      return left > lowest + ttl / 6;
    }, ttl);

    const died = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await died;
    const gone = await eventually(async () => ids(await registry.providers('svc')).length === 1, ttl * 2);
    expect(gone).toBeLessThanOrEqual(ttl + 200);
    expect(ids(await registry.providers('svc'))).toEqual(['survivor']);
  });

  it('refuses while Redis is down and comes back on the next heartbeat after a restart', async () => {
    const ttl = 300;
    const registry = makeRegistry({ ttl });
    await registry.register('svc', { nodeId: 'n', url: 'ws://n' });
    await redis.kill();
    await expect(registry.providers('svc')).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    await expect(registry.register('svc', { nodeId: 'm', url: 'ws://m' })).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
    });
    await redis.start();
    // Redis came back empty; the heartbeat writes the record again.
    await eventually(async () => ids(await registry.providers('svc').catch(() => [])).includes('n'), ttl * 3);
  });

  it('routes calls to live providers, and a call whose provider dies mid-call fails, not hangs', async () => {
    const registry = makeRegistry();
    const servers = new Map<string, Peer>();
    const router = new ServiceRouter({
      registry,
      timeout: 5_000,
      connect: (provider) => {
        const [client, server] = createMemoryTransportPair();
        const peer = new Peer();
        peer.service.register('whoami', () => provider.nodeId);
        peer.service.register('hang', () => new Promise(() => undefined));
        peer.attach(server);
        servers.set(provider.nodeId, peer);
        return new Peer().attach(client);
      },
    });
    open.push(router);
    const ra = await registry.register('svc', { nodeId: 'a', url: 'mem://a' });
    await registry.register('svc', { nodeId: 'b', url: 'mem://b' });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await router.call('svc', 'whoami'));
    expect(answers).toEqual(['a', 'b', 'a', 'b']);

    // The next call goes to a; a dies while it runs.
    const pending = router.call('svc', 'hang');
    await eventually(async () => (servers.get('a')?.stats.running ?? 0) === 1, 2_000);
    servers.get('a')!.close(1001, 'process died');
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });

    // Gone from the registry, it is routed around.
    await ra.unregister();
    expect(await router.call('svc', 'whoami')).toBe('b');
    expect(await router.call('svc', 'whoami')).toBe('b');
  });
});
