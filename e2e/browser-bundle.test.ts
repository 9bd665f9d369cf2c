import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/chromium.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as TetherModule from '@tether/client';
import type { Peer } from '@tether/core';
import { createServer, type TetherServer } from '@tether/server';
import { buildIifeBundle } from './support/iife.js';

declare global {
  interface Window {
    Tether: typeof TetherModule;
    client: TetherModule.Client;
    news: unknown[];
    dropCode: Promise<number>;
  }
}

let browser: Browser;
let page: Page;
let http: Server;
let server: TetherServer;

/** Serves the page and the IIFE bundle, nothing else. */
async function serveBundle(bundle: string): Promise<Server> {
  const html = '<!doctype html><meta charset="utf-8"><title>tether</title><script src="/tether.iife.js"></script>';
  const http = createHttpServer((request, response) => {
    if (request.url === '/tether.iife.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(bundle);
    } else if (request.url === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return http;
}

beforeAll(async () => {
  http = await serveBundle(await buildIifeBundle());
  server = await createServer({ port: 0, host: '127.0.0.1' });
  server.serve({ math: { add: (a: number, b: number) => a + b } });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
});

afterAll(async () => {
  await page?.evaluate(() => window.client?.close());
  await browser?.close();
  await server?.close({ deadline: 0 });
  http?.close();
});

describe('the IIFE bundle in Chromium', () => {
  it('exposes window.Tether without Node modules', async () => {
    const api = await page.evaluate(() => Object.keys(window.Tether).sort());
    expect(api).toEqual(expect.arrayContaining(['ErrorCode', 'RpcError', 'connect']));
  });

  it('calls the Node server, and serves the server’s calls and notifications', async () => {
    const connected = once(server, 'connect');
    const sum = await page.evaluate(async (url) => {
      window.news = [];
      const client = window.Tether.connect(url);
      window.client = client;
      client.register(
        'browser.greet',
        (name: string) => `hello ${name}, from ${navigator.userAgent.includes('Chrome') ? 'Chromium' : 'elsewhere'}`,
      );
      client.register('news', (item: unknown) => {
        window.news.push(item);
      });
      return client.remote<{ math: { add(a: number, b: number): number } }>().math.add(2, 3);
    }, server.url);
    expect(sum).toBe(5);

    const [peer] = (await connected) as [Peer];
    await expect(peer.call('browser.greet', ['node'])).resolves.toBe('hello node, from Chromium');
    expect(server.broadcast('news', { headline: 'bundles work' })).toBe(1);
    await page.waitForFunction(() => window.news.length === 1);
    expect(await page.evaluate(() => window.news)).toEqual([{ headline: 'bundles work' }]);
  });

  it('reconnects after the server restarts on the same port', async () => {
    const port = server.port;
    // The listener is in place before the server goes, so it hears the first drop.
    await page.evaluate(() => {
      window.dropCode = new Promise((resolve) =>
        window.client.once('reconnecting', ({ disconnect }) => resolve(disconnect.code)),
      );
    });
    await server.close({ deadline: 0 });
    expect(await page.evaluate(() => window.dropCode)).toBe(1001);
    server = await createServer({ port, host: '127.0.0.1' });
    server.serve({ math: { add: (a: number, b: number) => a + b } });
    const result = await page.evaluate(async () => {
      await window.client.opened();
      return { status: window.client.status, sum: await window.client.call('math.add', [40, 2]) };
    });
    expect(result).toEqual({ status: 'open', sum: 42 });
  });

  it('reads compressed responses and events from a server with perMessageDeflate', async () => {
    const compressing = await createServer({ port: 0, host: '127.0.0.1', perMessageDeflate: true });
    const rows = (seq: number) => Array.from({ length: 100 }, (_, i) => ({ seq, i, name: `row ${i}` }));
    compressing.register('rows', () => rows(0));
    compressing.subscription('topic', (name: string) => compressing.topic(name));
    const connected = once(compressing, 'connect');
    try {
      const answer = await page.evaluate(async (url) => {
        window.news = [];
        const client = window.Tether.connect(url);
        await client.subscribe('topic', ['news'], { onEvent: (event) => window.news.push(event) }).ready;
        return client.call('rows');
      }, compressing.url);
      expect(answer).toEqual(rows(0));
      await connected;
      const write = vi.spyOn(Socket.prototype, 'write');
      await compressing.publish('news', rows(1));
      await compressing.publish('news', rows(2));
      await page.waitForFunction(() => window.news.length === 2);
      expect(await page.evaluate(() => window.news)).toEqual([rows(1), rows(2)]);
      // Chromium took permessage-deflate: both events left as frames compressed once (RSV1 set).
      const frames = write.mock.calls.map(([chunk]) => chunk).filter((chunk) => Buffer.isBuffer(chunk));
      expect(frames.filter((frame) => frame[0] === 0xc1)).toHaveLength(2);
      write.mockRestore();
    } finally {
      await compressing.close({ deadline: 0 });
    }
  });
});
