import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '@tether/core';
import { CloseCode, createServer } from './index.js';
import { connectPeer, openRaw, refusedUpgrade } from './test-support.js';

/** A handler that waits until released, telling when it has started. */
function heldCall() {
  let release!: (value: string) => void;
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const result = new Promise<string>((resolve) => (release = resolve));
  return {
    handler: () => {
      started();
      return result;
    },
    running,
    release,
  };
}

describe('graceful shutdown', () => {
  it('lets running calls finish, refuses new ones, then closes every connection with 1001', async () => {
    const server = await createServer({ port: 0 });
    const held = heldCall();
    server.register('slow', held.handler);
    server.register('quick', () => 'quick');
    const client = await connectPeer(server.url);
    const closedCode = new Promise<number>((resolve) => client.once('close', (info) => resolve(info.code)));
    const slow = client.call('slow');
    await held.running;

    const url = server.url;
    const closing = server.close({ deadline: 10_000 });
    await expect(client.call('quick')).rejects.toMatchObject({
      code: ErrorCode.ConnectionClosed,
      message: 'tether: server is shutting down',
    });
    await expect(openRaw(url)).rejects.toThrow(/ECONNREFUSED/);
    held.release('finished');
    await expect(slow).resolves.toBe('finished');
    await expect(closedCode).resolves.toBe(CloseCode.GoingAway);
    await closing;
    expect(server.httpServer.listening).toBe(false);
    expect(server.stats.connections).toBe(0);
  });

  it('closes at the deadline, aborting calls still running and rejecting calls to clients', async () => {
    const server = await createServer({ port: 0 });
    let aborted: unknown;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    server.register('forever', function () {
      started();
      return new Promise((_resolve, reject) => {
        this.signal.addEventListener('abort', () => {
          aborted = this.signal.reason;
          reject(this.signal.reason as Error);
        });
      });
    });
    const connected = once(server, 'connect');
    const client = await connectPeer(server.url);
    client.service.register('never', () => new Promise(() => {}));
    const [peer] = await connected;
    const toClient = expect(peer.call('never')).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    const forever = expect(client.call('forever')).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await running;

    await server.close({ deadline: 20 });
    await forever;
    await toClient;
    expect(aborted).toBeInstanceOf(RpcError);
    expect(peer.closed).toBe(true);
  });

  it('terminates a client that never answers the close frame', async () => {
    const server = await createServer({ port: 0 });
    const client = await openRaw(server.url);
    client.ws.pause();
    await server.close({ deadline: 0 });
    expect(server.stats.connections).toBe(0);
    // Reading again, the client finds the close frame sent before the socket was cut, or only the cut.
    client.ws.resume();
    expect([CloseCode.GoingAway, 1006]).toContain((await client.closed).code);
  });

  it('answers 503 on an attached server while draining, and leaves the HTTP server running', async () => {
    const http = createHttpServer();
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const server = await createServer({ server: http, path: '/rpc' });
    const held = heldCall();
    server.register('slow', held.handler);
    const client = await connectPeer(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/rpc`);
    const slow = client.call('slow');
    await held.running;
    const closing = server.close();
    await expect(refusedUpgrade(server.url)).resolves.toMatchObject({ status: 503 });
    held.release('done');
    await expect(slow).resolves.toBe('done');
    await closing;
    expect(http.listening).toBe(true);
    http.close();
  });

  it('closes once however often it is asked, and through await using', async () => {
    let first: Promise<void>;
    {
      await using server = await createServer({ port: 0 });
      first = server.close();
      expect(server.close()).toBe(first);
    }
    await expect(first).resolves.toBeUndefined();
  });
});
