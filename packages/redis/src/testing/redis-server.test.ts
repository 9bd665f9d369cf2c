import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startRedisServer } from './redis-server.js';

describe('redis-server harness', () => {
  it('starts on a free port, restarts empty on the same port, and stops', async () => {
    await using server = await startRedisServer();
    const client = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    await client.connect();
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    client.disconnect();

    await server.kill();
    expect(server.running).toBe(false);
    const refused = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    refused.on('error', () => undefined);
    await expect(refused.connect()).rejects.toThrow();

    await server.start();
    const again = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    await again.connect();
    expect(await again.get('k')).toBeNull();
    again.disconnect();
  });
});
