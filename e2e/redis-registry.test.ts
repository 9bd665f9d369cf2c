import { connect, ErrorCode, type Client } from '@tether/client';
import { redisRegistry, ServiceRouter, type RedisRegistry } from '@tether/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startRedisServer, type RedisServer } from '@tether/redis/testing';
import { killRedisNodes, spawnRedisNode } from './fixtures/redis-nodes.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const closing: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => c.close()));
  await killRedisNodes();
});

describe('calls routed through the Redis registry to Tether server processes', () => {
  it('spreads calls over live servers; a server killed mid-call fails the call and drops out within the TTL', async () => {
    const prefix = 'routing:';
    const ttl = 800;
    const [a, b] = await Promise.all([
      spawnRedisNode({ redisUrl: redis.url, prefix, nodeId: 'a', ttl }),
      spawnRedisNode({ redisUrl: redis.url, prefix, nodeId: 'b', ttl }),
    ]);
    const registry: RedisRegistry = redisRegistry({ url: redis.url, prefix, ttl });
    closing.push(registry);
    const router = new ServiceRouter({
      registry,
      timeout: 10_000,
      connect: (provider): Client => connect(provider.url, { reconnect: { baseDelay: 20, maxDelay: 100 } }),
    });
    closing.push(router);
    expect((await registry.providers('echo')).map((p) => p.url).sort()).toEqual([a.url, b.url].sort());

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await router.call('echo', 'whoami'));
    expect(answers).toEqual(['a', 'b', 'a', 'b']);

    // The next call goes to a, which dies while running it.
    const hanging = router.call('echo', 'hang');
    const outcome = hanging.then(
      () => 'resolved',
      (error: { code: number }) => error.code,
    );
    await router.call('echo', 'whoami'); // b's turn; a has the hanging call by now
    await a.kill();
    expect(await outcome).toBe(ErrorCode.ConnectionClosed);

    const gone = await eventually(async () => (await registry.providers('echo')).length === 1, ttl * 2);
    expect(gone).toBeLessThanOrEqual(ttl + 300);
    for (let i = 0; i < 3; i++) expect(await router.call('echo', 'whoami')).toBe('b');
  });
});
