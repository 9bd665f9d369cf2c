import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tether/core';
import { MemoryBroker } from './index.js';
import { openRaw, useServers, type RawClient } from './test-support.js';

const start = useServers();

const subscribe = (id: number, name = 'feed') => ({ jsonrpc: '2.0', id, method: 'rpc.subscribe', params: { name } });

/** Reads `count` responses, sorted by id. */
async function responses(client: RawClient, count: number) {
  const replies: Array<{ id: number; result?: unknown; error?: { code: number; message: string; data?: unknown } }> =
    [];
  for (let i = 0; i < count; i++) replies.push((await client.next()) as (typeof replies)[number]);
  return replies.sort((a, b) => a.id - b.id);
}

describe('subscriptions per connection', () => {
  it('refuses those beyond maxSubscriptions with -32002, counting those still opening, until one ends', async () => {
    const server = await start({ port: 0, maxSubscriptions: 3 });
    server.subscription('feed', async () => {
      await null;
      return server.topic('feed');
    });
    const client = await openRaw(server.url);
    for (const id of [1, 2, 3, 4, 5]) client.send(subscribe(id));
    const replies = await responses(client, 5);
    expect(replies.slice(0, 3).map((r) => typeof r.result)).toEqual(['string', 'string', 'string']);
    for (const refused of replies.slice(3)) {
      expect(refused.error).toEqual({
        code: ErrorCode.Overloaded,
        message: 'Too many subscriptions on this connection (limit 3); unsubscribe from one first',
        data: { limit: 3 },
      });
    }
    client.send({ jsonrpc: '2.0', id: 6, method: 'rpc.unsubscribe', params: [replies[0]?.result] });
    await expect(client.next()).resolves.toMatchObject({ id: 6, result: true });
    client.send(subscribe(7));
    await expect(client.next()).resolves.toMatchObject({ id: 7, result: expect.any(String) });
    // The limit is per connection.
    const other = await openRaw(server.url);
    other.send(subscribe(1));
    await expect(other.next()).resolves.toMatchObject({ id: 1, result: expect.any(String) });
    client.ws.close();
    other.ws.close();
  });

  it('takes 1000 by default', async () => {
    const server = await start({ port: 0 });
    server.subscription('feed', () => server.topic('feed'));
    const client = await openRaw(server.url);
    for (let id = 1; id <= 1001; id++) client.send(subscribe(id));
    const replies = await responses(client, 1001);
    expect(replies.filter((r) => r.error).map((r) => [r.id, r.error?.code])).toEqual([[1001, ErrorCode.Overloaded]]);
    expect(server.subscriberCount('feed')).toBe(1000);
    client.ws.close();
  });
});

describe('a subscription whose handler outlives its connection', () => {
  it('is released once the handler settles: no subscriber and no broker listener is left', async () => {
    const count = 2000;
    const server = await start({ port: 0, maxSubscriptions: count, maxInFlight: count });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    let settled = 0;
    let allStarted!: () => void;
    let allSettled!: () => void;
    const startedAll = new Promise<void>((resolve) => (allStarted = resolve));
    const settledAll = new Promise<void>((resolve) => (allSettled = resolve));
    server.subscription('feed', async () => {
      if (++started === count) allStarted();
      await gate;
      if (++settled === count) allSettled();
      return server.topic('feed');
    });
    const client = await openRaw(server.url);
    for (let id = 1; id <= count; id++) client.send(subscribe(id));
    await startedAll;
    const disconnected = once(server, 'disconnect');
    client.ws.close();
    await disconnected;
    release();
    await settledAll;
    // The handlers' results are taken up in the microtasks that follow; one turn sees them all through.
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.subscriberCount('feed')).toBe(0);
    expect((server.broker as MemoryBroker).listenerCount('feed')).toBe(0);
  });
});
