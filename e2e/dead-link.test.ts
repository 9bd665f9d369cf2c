import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type * as TetherModule from '@tether/client';
import { connect, type ReconnectingEvent } from '@tether/client';
import { CloseCode } from '@tether/core';
import { createServer, type TetherServer } from '@tether/server';
import { buildIifeBundle } from './support/iife.js';
import { launchChromium } from './support/chromium.js';

declare global {
  interface Window {
    Tether: typeof TetherModule;
    seen: string[];
    reach(n: number): Promise<void>;
    dropped: Promise<TetherModule.DisconnectInfo>;
  }
}

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
    for (const { client, upstream } of live) (client.destroy(), upstream.destroy());
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

/** A server with the subscription `news` on topic `news`, closed after the test. */
async function newsServer(): Promise<TetherServer> {
  const server = await createServer({ port: 0 });
  cleanup.push(() => server.close({ deadline: 0 }));
  server.subscription('news', () => server.topic('news'));
  return server;
}

/** Serves a page that loads the IIFE bundle the package build ships, made fresh in memory. */
async function bundlePage(): Promise<string> {
  const bundle = await buildIifeBundle();
  const http = createHttpServer((request, response) => {
    if (request.url === '/tether.iife.js') response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
    else
      response
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><script src="/tether.iife.js"></script>');
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  cleanup.push(() => new Promise((resolve) => http.close(resolve)));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
}

describe('a half-open link', () => {
  it('is noticed by a client that only subscribes, which reconnects and resumes without loss', async () => {
    const server = await newsServer();
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
    expect(event.disconnect).toEqual({ code: CloseCode.PingTimeout, reason: 'no answer to $/ping within 40 ms' });
    await new Promise<void>((resolve) => client.once('open', resolve));
    await server.publish('news', 'after');
    await reach(3);
    expect(seen).toEqual(['before', 'while frozen', 'after']);
    expect(client.status).toBe('open');
  });

  it('is noticed in a browser too, which cannot see WebSocket pings', async () => {
    const server = await newsServer();
    const proxy = await startProxy(server.port);
    const url = await bundlePage();
    const browser = await launchChromium();
    cleanup.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(url);
    await page.evaluate(async (wsUrl) => {
      const client = window.Tether.connect(wsUrl, {
        heartbeat: { interval: 60, timeout: 60 },
        reconnect: { baseDelay: 5, maxDelay: 10 },
      });
      window.seen = [];
      let arrived = () => undefined as void;
      window.reach = (n) =>
        new Promise((resolve) => {
          arrived = () => (window.seen.length >= n ? resolve() : undefined);
          arrived();
        });
      window.dropped = new Promise((resolve) => client.once('reconnecting', ({ disconnect }) => resolve(disconnect)));
      const subscription = client.subscribe<string>('news', undefined, {
        onEvent: (text) => {
          window.seen.push(text);
          arrived();
        },
      });
      await subscription.ready;
    }, `ws://127.0.0.1:${proxy.port}/`);
    await server.publish('news', 'before');
    await page.evaluate(() => window.reach(1));

    proxy.freeze();
    await server.publish('news', 'while frozen');
    expect(await page.evaluate(() => window.dropped)).toEqual({
      code: CloseCode.PingTimeout,
      reason: 'no answer to $/ping within 60 ms',
    });
    // Resubscribed after the last event id: what was published meanwhile comes from history.
    await page.evaluate(() => window.reach(2));
    await server.publish('news', 'after');
    await page.evaluate(() => window.reach(3));
    expect(await page.evaluate(() => window.seen)).toEqual(['before', 'while frozen', 'after']);
  });
});
