import { once } from 'node:events';
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type ReconnectingEvent } from '@tether/client';
import { PING_TIMEOUT_CLOSE } from '@tether/core';
import { createServer } from '@tether/server';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/**
 * A loopback TCP proxy whose open connections can be frozen: bytes stop flowing both ways
 * and neither side is closed, as when a network path dies silently. New connections flow.
 */
async function startProxy(target: number) {
  const live = new Set<{ client: Socket; upstream: Socket }>();
  const server = createTcpServer((client) => {
    const upstream = tcpConnect(target, '127.0.0.1');
    const pair = { client, upstream };
    live.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        live.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const stop = async () => {
    for (const { client, upstream } of live) client.destroy(), upstream.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  cleanup.push(stop);
  return {
    port: (server.address() as AddressInfo).port,
    /** Stops every open connection without closing it. */
    freeze() {
      for (const { client, upstream } of live) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
  };
}

describe('a half-open link', () => {
  it('is noticed by a client that only subscribes, which reconnects and resumes without loss', async () => {
    const server = await createServer({ port: 0 });
    cleanup.push(() => server.close({ deadline: 0 }));
    server.subscription('news', () => server.topic('news'));
    const proxy = await startProxy(server.port);
    const client = connect(`ws://127.0.0.1:${proxy.port}/`, {
      heartbeat: { interval: 40, timeout: 40 },
      reconnect: { baseDelay: 5, maxDelay: 10 },
    });
    cleanup.push(() => client.close());

    const seen: string[] = [];
    let arrived = () => undefined as void;
    const subscription = client.subscribe<string>('news', undefined, {
      onEvent: (text) => {
        seen.push(text);
        arrived();
      },
    });
    const reach = (n: number) =>
      new Promise<void>((resolve) => {
        arrived = () => (seen.length >= n ? resolve() : undefined);
        arrived();
      });
    await subscription.ready;
    await server.publish('news', 'before');
    await reach(1);

    const reconnecting = new Promise<ReconnectingEvent>((resolve) => client.once('reconnecting', resolve));
    proxy.freeze();
    await server.publish('news', 'while frozen');
    const event = await reconnecting;
    expect(event.disconnect).toEqual({ code: PING_TIMEOUT_CLOSE, reason: 'no answer to $/ping within 40 ms' });
    await new Promise<void>((resolve) => client.once('open', resolve));
    await server.publish('news', 'after');
    await reach(3);
    expect(seen).toEqual(['before', 'while frozen', 'after']);
    expect(client.status).toBe('open');
  });
});
