import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError, type Peer } from '@tether/core';
import { connectPeer, openRaw, refusedUpgrade, useServers } from './test-support.js';

type Api = { math: { add(a: number, b: number): number }; whoami(): string };
type ClientApi = { ui: { confirm(question: string): boolean } };

const start = useServers();

describe('server', () => {
  it('serves calls over a real socket through the typed proxy', async () => {
    const server = await start({ port: 0 });
    server.serve<Api>({ math: { add: (a, b) => a + b }, whoami: () => 'nobody' });
    const client = await connectPeer(server.url);
    await expect(client.remote<Api>().math.add(2, 3)).resolves.toBe(5);
    await expect(client.call('missing')).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
    client.close();
  });

  it('calls a client back through its connection peer', async () => {
    const server = await start({ port: 0 });
    const connected = once(server, 'connect') as Promise<[Peer<undefined>]>;
    const client = await connectPeer(server.url);
    client.service.serve<ClientApi>({ ui: { confirm: (q) => q === 'sure?' } });
    const [peer] = await connected;
    expect(server.connections.has(peer)).toBe(true);
    await expect(peer.remote<ClientApi>().ui.confirm('sure?')).resolves.toBe(true);
    client.close();
  });

  it('reports connect and disconnect, and drops the peer from connections', async () => {
    const server = await start({ port: 0 });
    const client = await connectPeer(server.url);
    expect(server.stats.connections).toBe(1);
    const [peer, info] = (
      await Promise.all([once(server, 'disconnect'), Promise.resolve(client.close(4001, 'bye'))])
    )[0];
    expect(info).toEqual({ code: 4001, reason: 'bye' });
    expect(server.connections.has(peer)).toBe(false);
    expect(server.stats.connections).toBe(0);
  });

  it('broadcasts one notification to every connection', async () => {
    const server = await start({ port: 0 });
    const clients = await Promise.all([openRaw(server.url), openRaw(server.url), openRaw(server.url)]);
    expect(server.broadcast('news', { headline: 'hi' })).toBe(3);
    for (const client of clients) {
      await expect(client.next()).resolves.toEqual({ jsonrpc: '2.0', method: 'news', params: { headline: 'hi' } });
      client.ws.close();
    }
  });

  it('counts calls, errors and bytes in stats', async () => {
    const server = await start({ port: 0 });
    server.register('ok', () => 1);
    server.register('bad', () => {
      throw new RpcError(4000, 'no');
    });
    const client = await connectPeer(server.url);
    await client.call('ok');
    await client.call('bad').catch(() => {});
    const stats = server.stats;
    expect(stats).toMatchObject({ connections: 1, calls: 2, errors: 1, dropped: 0 });
    expect(stats.bytesIn).toBeGreaterThan(0);
    expect(stats.bytesOut).toBeGreaterThan(0);
    client.close();
    await once(server, 'disconnect');
    expect(server.stats.bytesIn).toBeGreaterThanOrEqual(stats.bytesIn);
  });

  it('reports a handler failure as an error event, with the peer', async () => {
    const server = await start({ port: 0 });
    server.register('boom', () => {
      throw new Error('secret');
    });
    const client = await connectPeer(server.url);
    const reported = once(server, 'error');
    await expect(client.call('boom')).rejects.toMatchObject({
      code: ErrorCode.InternalError,
      message: 'Internal error',
    });
    const [error, peer] = await reported;
    expect((error as Error).message).toBe('secret');
    expect(server.connections.has(peer)).toBe(true);
    client.close();
  });

  it('logs a handler failure once, with its method and stack, when nobody listens for errors', async () => {
    const logged: unknown[][] = [];
    const server = await start({ port: 0, logger: { error: (...args: unknown[]) => void logged.push(args) } });
    server.register('boom', () => {
      throw new Error('secret');
    });
    const client = await connectPeer(server.url);
    await expect(client.call('boom')).rejects.toEqual(
      expect.objectContaining({ code: ErrorCode.InternalError, message: 'Internal error', data: undefined }),
    );
    expect(logged).toHaveLength(1);
    const [message, error] = logged[0] as [string, Error];
    expect(message).toMatch(/\bboom\b/);
    expect(error.message).toBe('secret');
    expect(error.stack).toMatch(/server\.test\.ts/);
    server.on('error', () => undefined);
    await expect(client.call('boom')).rejects.toMatchObject({ code: ErrorCode.InternalError });
    expect(logged).toHaveLength(1);
    client.close();
  });

  it('logs an authenticate that throws a non-HttpError when nobody listens for errors', async () => {
    const logged: unknown[][] = [];
    const server = await start({
      port: 0,
      logger: { error: (...args: unknown[]) => void logged.push(args) },
      authenticate: () => {
        throw new Error('token store down');
      },
    });
    await expect(refusedUpgrade(server.url)).resolves.toMatchObject({ status: 500 });
    expect(logged).toEqual([
      [
        'tether: authenticate threw; the upgrade was answered 500',
        expect.objectContaining({ message: 'token store down' }),
      ],
    ]);
  });
});
