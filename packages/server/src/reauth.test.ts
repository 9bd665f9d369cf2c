import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, RpcError, type Peer } from '@tether/core';
import { openRaw, useServers } from './test-support.js';

const start = useServers();

interface Session {
  user: string;
  token: string;
}

/** A server whose connections start as `{ user: 'ada', token: 't0' }`, re-authenticated by `{ token }`. */
async function reauthServer() {
  const server = await start<Session>({
    port: 0,
    authenticate: () => ({ user: 'ada', token: 't0' }),
    reauthenticate: (params, current) => {
      const token = (params as { token?: unknown } | undefined)?.token;
      if (token === 'boom') throw new Error('token store down');
      if (typeof token !== 'string' || token === 'revoked') {
        throw new RpcError(ErrorCode.Unauthorized, 'token revoked', { reason: 'revoked' });
      }
      return { ...current, token };
    },
  });
  server.register('whoami', function () {
    return this.data;
  });
  const connected = new Promise<Peer<Session>>((resolve) => server.once('connect', (peer) => resolve(peer)));
  return { server, connected };
}

describe('re-authentication on the wire', () => {
  it('rpc.authenticate replaces the context later calls see, and answers true', async () => {
    const { server } = await reauthServer();
    const raw = await openRaw(server.url);
    raw.send({ jsonrpc: '2.0', id: 1, method: 'rpc.authenticate', params: { token: 't1' } });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 1, result: true });
    raw.send({ jsonrpc: '2.0', id: 2, method: 'whoami' });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 2, result: { user: 'ada', token: 't1' } });
    raw.ws.close();
  });

  it('a refusal is answered -32004 with the reason, then the connection closes with 4401', async () => {
    const { server } = await reauthServer();
    const raw = await openRaw(server.url);
    raw.send({ jsonrpc: '2.0', id: 1, method: 'rpc.authenticate', params: { token: 'revoked' } });
    expect(await raw.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: ErrorCode.Unauthorized, message: 'token revoked', data: { reason: 'revoked' } },
    });
    expect(await raw.closed).toEqual({ code: CloseCode.Unauthorized, reason: 're-authentication refused' });
  });

  it("a hook that throws something else is the server's failure: reported, answered 'Unauthorized' without details", async () => {
    const { server } = await reauthServer();
    const reported = new Promise<unknown>((resolve) => server.once('error', (error) => resolve(error)));
    const raw = await openRaw(server.url);
    raw.send({ jsonrpc: '2.0', id: 1, method: 'rpc.authenticate', params: { token: 'boom' } });
    expect(await raw.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: ErrorCode.Unauthorized, message: 'Unauthorized' },
    });
    expect(await reported).toMatchObject({ message: 'token store down' });
    expect((await raw.closed).code).toBe(CloseCode.Unauthorized);
  });

  it('expireCredentials sends rpc.credentialsExpired and closes with 4001 when no re-authentication follows', async () => {
    const { server, connected } = await reauthServer();
    const raw = await openRaw(server.url);
    server.expireCredentials(await connected, { grace: 20 });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', method: 'rpc.credentialsExpired', params: { grace: 20 } });
    expect(await raw.closed).toEqual({ code: CloseCode.CredentialsExpired, reason: 'credentials expired' });
  });

  it('a re-authentication within the grace period keeps the connection open', async () => {
    const { server, connected } = await reauthServer();
    const raw = await openRaw(server.url);
    const peer = await connected;
    server.expireCredentials(peer, { grace: 60_000 });
    expect(await raw.next()).toMatchObject({ method: 'rpc.credentialsExpired' });
    raw.send({ jsonrpc: '2.0', id: 1, method: 'rpc.authenticate', params: { token: 't1' } });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 1, result: true });
    // Expiring again with no grace closes at once: so the first timer is known to be gone, not merely late.
    server.expireCredentials(peer, { grace: 0 });
    expect((await raw.closed).code).toBe(CloseCode.CredentialsExpired);
    expect(peer.data.token).toBe('t1');
  });

  it('of overlapping re-authentications the last one begun decides, even when an earlier one answers later', async () => {
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
    const server = await start<string>({
      port: 0,
      authenticate: () => 't0',
      reauthenticate: async (params) => {
        const token = (params as { token: string }).token;
        if (token === 'old') await slow;
        return token;
      },
    });
    server.register('whoami', function () {
      return this.data;
    });
    const raw = await openRaw(server.url);
    raw.send({ jsonrpc: '2.0', id: 1, method: 'rpc.authenticate', params: { token: 'old' } });
    raw.send({ jsonrpc: '2.0', id: 2, method: 'rpc.authenticate', params: { token: 'new' } });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 2, result: true });
    releaseSlow();
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 1, result: true });
    raw.send({ jsonrpc: '2.0', id: 3, method: 'whoami' });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 3, result: 'new' });
    raw.ws.close();
  });

  it('without the reauthenticate option, rpc.authenticate is not served', async () => {
    const server = await start({ port: 0 });
    const raw = await openRaw(server.url);
    raw.send({ jsonrpc: '2.0', id: 1, method: 'rpc.authenticate', params: { token: 't1' } });
    expect(await raw.next()).toMatchObject({ id: 1, error: { code: ErrorCode.MethodNotFound } });
    raw.ws.close();
  });
});

describe('a restart', () => {
  it('closes with 1012 and the reconnect window as JSON; a plain close stays 1001', async () => {
    const restarting = await start({ port: 0 });
    const raw = await openRaw(restarting.url);
    await restarting.close({ deadline: 0, reconnectWindow: 15_000 });
    expect(await raw.closed).toEqual({ code: CloseCode.ServiceRestart, reason: '{"reconnectWindow":15000}' });

    const leaving = await start({ port: 0 });
    const other = await openRaw(leaving.url);
    await leaving.close({ deadline: 0 });
    expect(await other.closed).toEqual({ code: CloseCode.GoingAway, reason: 'server shutting down' });
  });
});
