import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createServer, MemoryBroker, type TetherServer } from '@tether/server';
import { afterEach, describe, expect, it } from 'vitest';
import { Miniflare } from 'miniflare';
import { drive, type Driven, type Runtime } from '../support/runtimes.js';
import { bundleForWorkerd } from './targets.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(broker: MemoryBroker, port = 0): Promise<TetherServer> {
  const server = await createServer({ port, broker });
  server.register('add', (a: number, b: number) => a + b);
  server.subscription('news', (room: string) => server.topic(`news:${room}`));
  cleanup.push(() => server.close({ deadline: 0 }));
  return server;
}

const event = (data: number) => (message: Record<string, unknown>) =>
  message['type'] === 'event' && message['data'] === data;

describe.each<Runtime>(['bun', 'deno'])('the built client on %s, against a Node server', (runtime) => {
  it('calls, subscribes, serves the server, and resumes its subscription across a server restart', async () => {
    const broker = new MemoryBroker(); // outlives the servers, as Redis would
    cleanup.push(() => broker.close());
    const first = await start(broker);
    const port = first.port;
    const userAgent = once(first, 'connect').then(([, request]) => request.headers['user-agent']);
    const client: Driven = drive(runtime, 'client-driver.mjs', [first.url], here);
    cleanup.push(() => client.kill());

    await expect(client.next((m) => m['type'] === 'sum')).resolves.toEqual({ type: 'sum', value: 5 });
    // The runtime's own WebSocket, chosen by the `#socket` import condition, not `ws`.
    await expect(client.next((m) => m['type'] === 'subscribed')).resolves.toEqual({
      type: 'subscribed',
      socketsMade: 1,
    });
    if (runtime === 'deno') await expect(userAgent).resolves.toMatch(/^Deno\//);
    const [peer] = first.connections;
    await expect(peer?.call('whoami')).resolves.toBe(runtime);

    await first.publish('news:lobby', 1);
    await first.publish('news:lobby', 2);
    await client.next(event(2));
    await first.close({ deadline: 0 });
    await client.next((m) => m['type'] === 'reconnecting');
    await broker.publish('news:lobby', 3); // while no server runs
    const second = await start(broker, port);
    await client.next((m) => m['type'] === 'open');
    await second.publish('news:lobby', 4);
    await client.next(event(4));

    client.send('call');
    await expect(client.next((m) => m['type'] === 'sum')).resolves.toEqual({ type: 'sum', value: 42 });
    client.send('close');
    const closed = await client.next<{ socketsMade: number; events: number[] }>((m) => m['type'] === 'closed');
    expect(closed.events).toEqual([1, 2, 3, 4]); // each once, in order, the one published while down included
    expect(closed.socketsMade).toBeGreaterThanOrEqual(2); // every attempt on the runtime's WebSocket, a refused one too
    await expect(client.exited).resolves.toBe(0);
  });
});

describe('the built client in workerd (miniflare), against a Node server', () => {
  it("calls, serves the server, and takes a subscription event over workerd's own WebSocket", async () => {
    const server = await start(new MemoryBroker());
    server.register('ask', function (this: { peer: { call(method: string): Promise<unknown> } }, method: string) {
      return this.peer.call(method);
    });
    server.register('publish', (room: string, data: unknown) => server.publish(`news:${room}`, data));
    const miniflare = new Miniflare({
      modules: true,
      script: await bundleForWorkerd('client-worker.mjs'),
      compatibilityDate: '2025-09-01',
    });
    cleanup.push(() => miniflare.dispose());
    const response = await miniflare.dispatchFetch(`http://worker/?server=${encodeURIComponent(server.url)}`);
    await expect(response.json()).resolves.toEqual({ sum: 5, asked: 'workerd', event: 'hello' });
  });
});
