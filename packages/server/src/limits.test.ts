import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tether/core';
import { CloseCode } from './index.js';
import { openRaw, useServers } from './test-support.js';

const start = useServers();

/** A handler that holds its call until released, to keep calls in flight. */
function holdCalls() {
  const releases: Array<() => void> = [];
  const handler = () => new Promise<string>((resolve) => releases.push(() => resolve('done')));
  return { handler, releaseAll: () => releases.splice(0).forEach((release) => release()) };
}

describe('limits', () => {
  it('closes a connection that sends more than maxPayload with 1009', async () => {
    const server = await start({ port: 0, maxPayload: 1024 });
    const client = await openRaw(server.url);
    const disconnected = once(server, 'disconnect');
    client.send({ jsonrpc: '2.0', method: 'x', params: ['a'.repeat(2048)] });
    await expect(client.closed).resolves.toMatchObject({ code: CloseCode.MessageTooBig });
    const [, info] = await disconnected;
    expect(info.code).toBe(CloseCode.MessageTooBig);
  });

  it('answers each request of a batch longer than maxBatch with -32600 under its own id', async () => {
    const server = await start({ port: 0, maxBatch: 3 });
    server.register('one', () => 1);
    const client = await openRaw(server.url);
    const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'one' });
    client.send([call(1), call(2), { jsonrpc: '2.0', method: 'one' }, call(3)]);
    const error = { code: ErrorCode.InvalidRequest, message: 'Batch too large: 4 > 3' };
    await expect(client.next()).resolves.toEqual([1, 2, 3].map((id) => ({ jsonrpc: '2.0', id, error })));
    client.send([call(5), call(6), call(7)]);
    await expect(client.next()).resolves.toHaveLength(3);
    client.ws.close();
  });

  it('answers calls beyond maxInFlight with -32002 and serves again once calls finish', async () => {
    const server = await start({ port: 0, maxInFlight: 2 });
    const held = holdCalls();
    server.register('slow', held.handler);
    server.register('fast', () => 'fast');
    const client = await openRaw(server.url);
    for (const id of [1, 2, 3]) client.send({ jsonrpc: '2.0', id, method: 'slow' });
    await expect(client.next()).resolves.toMatchObject({ id: 3, error: { code: ErrorCode.Overloaded } });
    held.releaseAll();
    const done = [await client.next(), await client.next()];
    expect(done).toEqual(
      expect.arrayContaining([
        { jsonrpc: '2.0', id: 1, result: 'done' },
        { jsonrpc: '2.0', id: 2, result: 'done' },
      ]),
    );
    client.send({ jsonrpc: '2.0', id: 4, method: 'fast' });
    await expect(client.next()).resolves.toEqual({ jsonrpc: '2.0', id: 4, result: 'fast' });
    client.ws.close();
  });

  it('answers calls over the rate limit with -32003 and retryAfterMs, and keeps the socket open', async () => {
    const server = await start({ port: 0, rateLimit: { callsPerSecond: 1, burst: 2 } });
    server.register('one', () => 1);
    const client = await openRaw(server.url);
    client.send([1, 2, 3, 4].map((id) => ({ jsonrpc: '2.0', id, method: 'one' })));
    const replies = (await client.next()) as Array<{
      id: number;
      result?: number;
      error?: { code: number; data: { retryAfterMs: number } };
    }>;
    expect(replies.filter((r) => r.result === 1)).toHaveLength(2);
    const limited = replies.filter((r) => r.error);
    expect(limited).toHaveLength(2);
    for (const reply of limited) {
      expect(reply.error?.code).toBe(ErrorCode.RateLimited);
      expect(reply.error?.data.retryAfterMs).toBeGreaterThan(0);
      expect(reply.error?.data.retryAfterMs).toBeLessThanOrEqual(1000);
    }
    expect(server.stats).toMatchObject({ calls: 4, errors: 2 });
    client.send({ jsonrpc: '2.0', id: 5, method: 'unknown' });
    await expect(client.next()).resolves.toMatchObject({ id: 5, error: { code: ErrorCode.MethodNotFound } });
    expect(server.stats.connections).toBe(1);
    client.ws.close();
  });

  it('keeps one bucket per connection', async () => {
    const server = await start({ port: 0, rateLimit: { callsPerSecond: 1, burst: 1 } });
    server.register('one', () => 1);
    const [a, b] = await Promise.all([openRaw(server.url), openRaw(server.url)]);
    for (const client of [a, b]) {
      client.send({ jsonrpc: '2.0', id: 1, method: 'one' });
      await expect(client.next()).resolves.toMatchObject({ result: 1 });
    }
    a.send({ jsonrpc: '2.0', id: 2, method: 'one' });
    await expect(a.next()).resolves.toMatchObject({ error: { code: ErrorCode.RateLimited } });
    a.ws.close();
    b.ws.close();
  });
});
