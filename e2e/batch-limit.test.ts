import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { JSONRPCClient, type JSONRPCResponse } from 'json-rpc-2.0';
import { connect } from '@tether/client';
import { ErrorCode } from '@tether/core';
import { createServer, type TetherServer } from '@tether/server';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverWithMaxBatch(maxBatch: number): Promise<TetherServer> {
  const server = await createServer({ port: 0, maxBatch });
  server.register('add', (a: number, b: number) => a + b);
  cleanups.push(() => server.close({ deadline: 0 }));
  return server;
}

const tooLarge = (length: number, max: number) => ({
  code: ErrorCode.InvalidRequest,
  message: `Batch too large: ${length} > ${max}`,
});

describe('a batch longer than maxBatch', () => {
  it('settles every call of a json-rpc-2.0 client at once, each under its own id', async () => {
    const server = await serverWithMaxBatch(2);
    const ws = new WebSocket(server.url);
    await once(ws, 'open');
    cleanups.push(() => ws.close());
    const client = new JSONRPCClient((payload) => ws.send(JSON.stringify(payload)));
    ws.on('message', (data) => client.receive(JSON.parse(String(data)) as JSONRPCResponse | JSONRPCResponse[]));
    const batch = [1, 2, 3].map((id) => ({ jsonrpc: '2.0' as const, id, method: 'add', params: [id, id] }));
    const responses = await client.requestAdvanced(batch);
    expect(responses).toEqual([1, 2, 3].map((id) => ({ jsonrpc: '2.0', id, error: tooLarge(3, 2) })));
  });

  it('rejects every call of a Tether client at once, long before its timeout', async () => {
    const server = await serverWithMaxBatch(2);
    const client = connect(server.url, { timeout: 60_000 });
    cleanups.push(() => client.close());
    const results = await client.batch([
      { method: 'add', params: [1, 1] },
      { method: 'add', params: [2, 2], notification: true },
      { method: 'add', params: [3, 3] },
    ]);
    expect(results).toEqual([
      { status: 'rejected', reason: expect.objectContaining(tooLarge(3, 2)) },
      { status: 'rejected', reason: expect.objectContaining(tooLarge(3, 2)) },
    ]);
    expect(client.stats.pending).toBe(0);
  });
});
