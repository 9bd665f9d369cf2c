import { describe, expect, it } from 'vitest';
import { createMemoryTransportPair, createPeer, RpcError } from './index.js';

type Api = { math: { add(a: number, b: number): number; fail(): void } };

describe('peer smoke', () => {
  it('calls through the typed proxy', async () => {
    const [a, b] = createMemoryTransportPair();
    const server = createPeer(a).serve<Api>({
      math: {
        add: (x, y) => x + y,
        fail: () => {
          throw new Error('secret');
        },
      },
    });
    const client = createPeer(b);
    const remote = client.remote<Api>();
    await expect(remote.math.add(1, 2)).resolves.toBe(3);
    await expect(remote.math.fail()).rejects.toMatchObject({ code: -32603, message: 'Internal error' });
    await expect(client.call('nope')).rejects.toBeInstanceOf(RpcError);
    expect(server.stats).toEqual({ pending: 0, running: 0, queued: 0 });
  });
});
