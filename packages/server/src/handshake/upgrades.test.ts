import { once } from 'node:events';
import { createServer as createHttpServer, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { HttpError, type HandshakeRequest } from '../index.js';
import { connectPeer, openRaw, refusedUpgrade, useServers } from '../test-support.js';

type User = { name: string };

/** Sends an upgrade request as given, headers and all; resolves with its status (101 if accepted) and body. */
function upgrade(url: string, headers: OutgoingHttpHeaders, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { method, headers: { Connection: 'Upgrade', ...headers } };
    const request = httpRequest(url.replace(/^ws:/, 'http:'), options);
    request.once('upgrade', (_response, socket) => {
      socket.destroy();
      resolve({ status: 101, body: '' });
    });
    request.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.once('error', reject);
    request.end();
  });
}

const wellFormed = {
  Upgrade: 'websocket',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Version': '13',
};

/** An HTTP server of the test's own, closed after the test; resolves with its `host:port`. */
async function ownHttpServer(http: ReturnType<typeof createHttpServer>): Promise<string> {
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  cleanups.push(() => {
    http.closeAllConnections();
    return new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return `127.0.0.1:${(http.address() as AddressInfo).port}`;
}
const start = useServers();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('authentication at the upgrade', () => {
  it('hands authenticate the request and handlers the context it returns', async () => {
    let seen: HandshakeRequest | undefined;
    const server = await start<User>({
      port: 0,
      path: '/rpc',
      authenticate: (request) => {
        seen = request;
        return { name: request.cookies['user'] ?? request.query.get('user') ?? 'anon' };
      },
    });
    server.register('me', function () {
      return this.data.name;
    });
    const client = await connectPeer(`${server.url}?user=ada&x=1`);
    await expect(client.call('me')).resolves.toBe('ada');
    expect(seen).toMatchObject({ url: '/rpc?user=ada&x=1', path: '/rpc', remoteAddress: '127.0.0.1' });
    expect(seen?.query.get('x')).toBe('1');
    expect(seen?.headers.upgrade).toBe('websocket');
    client.close();

    const raw = await openRaw(server.url, { headers: { cookie: 'user=grace; other=1' } });
    raw.send({ jsonrpc: '2.0', id: 1, method: 'me' });
    await expect(raw.next()).resolves.toEqual({ jsonrpc: '2.0', id: 1, result: 'grace' });
    raw.ws.close();
  });

  it('waits for an async authenticate', async () => {
    const server = await start<User>({
      port: 0,
      authenticate: async (request) => {
        await new Promise((resolve) => setImmediate(resolve));
        if (request.headers.authorization !== 'Bearer good') throw new HttpError(401);
        return { name: 'token-holder' };
      },
    });
    server.register('me', function () {
      return this.data.name;
    });
    const raw = await openRaw(server.url, { headers: { authorization: 'Bearer good' } });
    raw.send({ jsonrpc: '2.0', id: 1, method: 'me' });
    await expect(raw.next()).resolves.toMatchObject({ result: 'token-holder' });
    raw.ws.close();
  });

  it('answers an HttpError with its status, headers and message, and makes no connection', async () => {
    const server = await start({
      port: 0,
      authenticate: (request) => {
        if (request.query.get('token') === 'banned') throw new HttpError(403, 'banned');
        throw new HttpError(401, 'bad token', { 'WWW-Authenticate': 'Bearer' });
      },
    });
    let connects = 0;
    server.on('connect', () => connects++);
    await expect(refusedUpgrade(server.url)).resolves.toEqual({ status: 401, body: 'bad token' });
    await expect(refusedUpgrade(`${server.url}?token=banned`)).resolves.toEqual({ status: 403, body: 'banned' });
    expect(connects).toBe(0);
    expect(server.stats.connections).toBe(0);
  });

  it('answers 500 to an authenticate that fails unexpectedly, without leaking its message', async () => {
    const server = await start({
      port: 0,
      authenticate: () => {
        throw new Error('database password in here');
      },
    });
    const reported = once(server, 'error');
    await expect(refusedUpgrade(server.url)).resolves.toEqual({ status: 500, body: 'Internal Server Error' });
    const [error, peer] = await reported;
    expect((error as Error).message).toBe('database password in here');
    expect(peer).toBeUndefined();
  });
});

describe('origins', () => {
  it('refuses an origin not on the list with 403, lets listed and absent origins in', async () => {
    const server = await start({ port: 0, origins: ['https://app.example'] });
    await expect(refusedUpgrade(server.url, { origin: 'https://evil.example' })).resolves.toMatchObject({
      status: 403,
    });
    const listed = await openRaw(server.url, { origin: 'https://app.example' });
    const absent = await openRaw(server.url);
    expect(server.stats.connections).toBe(2);
    listed.ws.close();
    absent.ws.close();
  });
});

describe('capacity and paths', () => {
  it('refuses upgrades beyond maxConnections with 503, and takes them again once one leaves', async () => {
    const server = await start({ port: 0, maxConnections: 2 });
    const first = await openRaw(server.url);
    const second = await openRaw(server.url);
    await expect(refusedUpgrade(server.url)).resolves.toMatchObject({ status: 503 });
    second.ws.close();
    await once(server, 'disconnect');
    const third = await openRaw(server.url);
    expect(server.stats.connections).toBe(2);
    first.ws.close();
    third.ws.close();
  });

  it('counts handshakes still in authenticate against maxConnections', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await start({ port: 0, maxConnections: 1, authenticate: () => gate });
    const pending = openRaw(server.url);
    await expect(refusedUpgrade(server.url)).resolves.toMatchObject({ status: 503 });
    release();
    (await pending).ws.close();
  });

  it('answers 404 for another path on its own HTTP server, and 426 to plain HTTP', async () => {
    const server = await start({ port: 0, path: '/rpc' });
    const base = server.url.replace('/rpc', '');
    await expect(refusedUpgrade(`${base}/other`)).resolves.toMatchObject({ status: 404 });
    const response = await fetch(base.replace('ws:', 'http:'));
    expect(response.status).toBe(426);
  });

  it('attaches to an existing HTTP server, leaving its requests and other upgrade paths alone', async () => {
    const http = createHttpServer((_request, response) => response.end('app'));
    const other = new WebSocketServer({ noServer: true });
    http.on('upgrade', (request, socket, head) => {
      if (request.url === '/other') other.handleUpgrade(request, socket, head, (ws) => ws.send('other here'));
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    cleanups.push(() => {
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    });
    const base = `127.0.0.1:${(http.address() as AddressInfo).port}`;
    const server = await start({ server: http, path: '/rpc' });
    server.register('ping', () => 'pong');
    expect(server.url).toBe(`ws://${base}/rpc`);

    const client = await connectPeer(`ws://${base}/rpc`);
    await expect(client.call('ping')).resolves.toBe('pong');
    client.close();
    const otherClient = new WebSocket(`ws://${base}/other`);
    const [text] = (await once(otherClient, 'message')) as [Buffer];
    expect(String(text)).toBe('other here');
    otherClient.close();
    await once(otherClient, 'close');
    expect(await (await fetch(`http://${base}/`)).text()).toBe('app');

    await server.close();
    expect(http.listening).toBe(true);
  });

  it('answers 404 at once to another path on a server it is attached to, when it alone takes upgrades', async () => {
    const http = createHttpServer();
    const base = await ownHttpServer(http);
    await start({ server: http, path: '/rpc' });
    await expect(upgrade(`ws://${base}/elsewhere`, wellFormed)).resolves.toEqual({
      status: 404,
      body: 'No WebSocket endpoint at /elsewhere',
    });
  }, 5000);

  it('answers 404 to a path no other listener took within unclaimedUpgradeTimeout, leaving taken ones', async () => {
    const http = createHttpServer();
    const other = new WebSocketServer({ noServer: true });
    let late: (() => void) | undefined;
    http.on('upgrade', (request, socket, head) => {
      if (request.url === '/other') other.handleUpgrade(request, socket, head, (ws) => ws.close());
      // Taken only once the test says so: after the timeout, as a listener that took too long.
      if (request.url === '/late') late = () => other.handleUpgrade(request, socket, head, (ws) => ws.close());
    });
    const base = await ownHttpServer(http);
    await start({ server: http, path: '/rpc', unclaimedUpgradeTimeout: 20 });
    await expect(upgrade(`ws://${base}/other`, wellFormed)).resolves.toMatchObject({ status: 101 });
    await expect(upgrade(`ws://${base}/nobody`, wellFormed)).resolves.toMatchObject({ status: 404 });
    await expect(upgrade(`ws://${base}/late`, wellFormed)).resolves.toMatchObject({ status: 404 });
    late?.();
  }, 5000);
});

describe('malformed upgrades', () => {
  it('are refused before authenticate runs', async () => {
    let authenticated = 0;
    const server = await start({
      port: 0,
      authenticate: () => {
        authenticated++;
      },
    });
    const { Upgrade, 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': version } = wellFormed;
    const cases: Array<[string, OutgoingHttpHeaders, string, number]> = [
      ['POST', wellFormed, 'POST', 405],
      ['another protocol', { ...wellFormed, Upgrade: 'h2c' }, 'GET', 400],
      ['no key', { Upgrade, 'Sec-WebSocket-Version': version }, 'GET', 400],
      ['a bad key', { ...wellFormed, 'Sec-WebSocket-Key': 'short' }, 'GET', 400],
      ['no version', { Upgrade, 'Sec-WebSocket-Key': key }, 'GET', 400],
      ['version 8', { ...wellFormed, 'Sec-WebSocket-Version': '8' }, 'GET', 426],
      ['a bad subprotocol list', { ...wellFormed, 'Sec-WebSocket-Protocol': 'a,,b' }, 'GET', 400],
    ];
    for (const [what, headers, method, status] of cases) {
      expect([what, (await upgrade(server.url, headers, method)).status]).toEqual([what, status]);
    }
    expect(authenticated).toBe(0);
    await expect(upgrade(server.url, wellFormed)).resolves.toMatchObject({ status: 101 });
    expect(authenticated).toBe(1);
  });

  it('cannot pass the origin allow-list as version 8 with Sec-WebSocket-Origin', async () => {
    const server = await start({ port: 0, origins: ['https://app.example'] });
    const old = { ...wellFormed, 'Sec-WebSocket-Version': '8', 'Sec-WebSocket-Origin': 'https://evil.example' };
    await expect(upgrade(server.url, old)).resolves.toEqual({
      status: 426,
      body: 'Unsupported Sec-WebSocket-Version 8: send 13',
    });
    expect(server.stats.connections).toBe(0);
  });
});
