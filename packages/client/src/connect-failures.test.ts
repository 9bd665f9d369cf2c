import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@tether/core';
import { HttpError } from '@tether/server';
import { startTestServer } from '@tether/server/testing';
import { connect, type Client } from './client.js';
import type { ReconnectingEvent } from './connection.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A client that retries quickly, closed after the test. */
function client(url: string): Client {
  const c = connect(url, { reconnect: { baseDelay: 10, maxDelay: 20 } });
  cleanups.push(() => c.close());
  return c;
}

const nextReconnecting = (c: Client) => new Promise<ReconnectingEvent>((resolve) => c.once('reconnecting', resolve));

async function httpServer(respond: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(respond);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`, server };
}

async function closedPort(): Promise<string> {
  const probe = await startTestServer();
  await probe.drop();
  return `ws://127.0.0.1:${probe.port}/`;
}

describe('why the client cannot connect', () => {
  it('names the URL and "connection refused" for a port where nothing listens, in the event and a queued call', async () => {
    const url = await closedPort();
    const c = client(url);
    const call = c.call('ping', [], { timeout: 100 });
    const event = await nextReconnecting(c);
    expect(event.url).toBe(url);
    expect(event.disconnect.error).toMatch(
      /^connection refused; is the server running\? \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
    );
    expect(event.message).toBe(`cannot connect to ${url}: ${event.disconnect.error}`);
    await expect(call).rejects.toMatchObject({
      code: ErrorCode.Timeout,
      message: expect.stringContaining(`never sent: cannot connect to ${url}: connection refused`),
    });
  });

  it('names the HTTP status of a refused upgrade: 503 is retried, 401 ends the client', async () => {
    const refuse = (status: number) => () => {
      throw new HttpError(status);
    };
    const busy = await startTestServer({ authenticate: refuse(503) });
    cleanups.push(() => busy.drop());
    const retrying = client(busy.url);
    const event = await nextReconnecting(retrying);
    expect(event.disconnect.status).toBe(503);
    expect(event.message).toBe(
      `cannot connect to ${busy.url}: the upgrade was refused with HTTP 503; the server is unavailable`,
    );

    const locked = await startTestServer({ authenticate: refuse(401) });
    cleanups.push(() => locked.drop());
    const refused = client(locked.url);
    const queued = refused.call('ping');
    const closed = await new Promise((resolve) => refused.once('closed', resolve));
    const reason = `refused: cannot connect to ${locked.url}: the upgrade was refused with HTTP 401; check the credentials`;
    expect(closed).toMatchObject({ why: 'refused', reason });
    await expect(queued).rejects.toMatchObject({
      code: ErrorCode.ConnectionClosed,
      message: expect.stringContaining(reason),
    });
  });

  it('says when the URL is no WebSocket endpoint (a plain HTTP server answering 200)', async () => {
    const { url } = await httpServer((_request, response) => response.end('<html>hello</html>'));
    const c = client(url);
    const call = c.call('ping', [], { timeout: 100 });
    const event = await nextReconnecting(c);
    expect(event.disconnect.status).toBe(200);
    expect(event.message).toBe(
      `cannot connect to ${url}: not a WebSocket endpoint (HTTP 200); check the URL and its path`,
    );
    await expect(call).rejects.toMatchObject({ message: expect.stringContaining('not a WebSocket endpoint') });
  });
});
