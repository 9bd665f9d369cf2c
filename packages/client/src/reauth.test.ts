import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, RpcError, type CallerPeer } from '@tether/core';
import { startTestServer } from '@tether/server/testing';
import { connect } from './client.js';

interface Session {
  user: string;
  token: string;
}

/** A server that takes `?token=` at the upgrade and `{ token }` in `rpc.authenticate`, refusing tokens named 'revoked'. */
async function authServer() {
  const seen: string[] = [];
  const peers: CallerPeer<Session>[] = [];
  const test = await startTestServer<Session>({
    authenticate: (request) => {
      const token = request.query.get('token') ?? '';
      seen.push(token);
      return { user: 'ada', token };
    },
    reauthenticate: (params, current) => {
      const token = (params as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token === 'revoked') throw new RpcError(ErrorCode.Unauthorized, 'token revoked');
      seen.push(token);
      return { ...current, token };
    },
  });
  test.server.on('connect', (peer) => peers.push(peer));
  test.server.register('whoami', function () {
    return this.data;
  });
  return { test, seen, peers };
}

/** Token t1, t2, … : a new one at every ask. */
function tokens() {
  let n = 0;
  return () => `t${++n}`;
}

describe('credentials that change', () => {
  it('asks the url function before every connect, so a reconnect carries the refreshed token', async () => {
    const { test, seen, peers } = await authServer();
    await using _ = test;
    const next = tokens();
    await using client = connect(async () => `${test.url}?token=${next()}`, {
      reconnect: { baseDelay: 1, maxDelay: 1 },
    });
    await client.opened();
    expect(await client.call('whoami')).toEqual({ user: 'ada', token: 't1' });
    const reconnected = new Promise<number>((resolve) =>
      client.once('reconnecting', (event) => resolve(event.disconnect.code)),
    );
    test.server.expireCredentials(peers[0]!, { grace: 0 });
    expect(await reconnected).toBe(CloseCode.CredentialsExpired);
    await new Promise<void>((resolve) => client.once('open', () => resolve()));
    expect(await client.call('whoami')).toEqual({ user: 'ada', token: 't2' });
    expect(seen).toEqual(['t1', 't2']);
  });

  it('re-authenticates on the open connection: later calls see the new this.data, a running call keeps its own', async () => {
    const { test, peers } = await authServer();
    await using _ = test;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    test.server.register('slowWhoami', async function () {
      const before = this.data.token;
      await released;
      return [before, this.data.token];
    });
    const next = tokens();
    await using client = connect(`${test.url}?token=t0`, { auth: () => ({ token: next() }) });
    const running = client.call('slowWhoami');
    await client.reauthenticate();
    release();
    expect(await running).toEqual(['t0', 't0']);
    expect(await client.call('whoami')).toEqual({ user: 'ada', token: 't1' });
    expect(peers[0]!.data).toEqual({ user: 'ada', token: 't1' });
    expect(test.server.stats.connections).toBe(1);
  });

  it('refreshes expired credentials when told, without losing a subscription event or reconnecting', async () => {
    const { test, seen, peers } = await authServer();
    await using _ = test;
    test.server.subscription('ticks', () => test.server.topic('ticks'));
    const next = tokens();
    await using client = connect(`${test.url}?token=t0`, { auth: async () => ({ token: next() }) });
    const events: number[] = [];
    let got!: () => void;
    let want = 0;
    const sub = client.subscribe<number>('ticks', undefined, {
      onEvent: (n) => {
        events.push(n);
        if (events.length === want) got();
      },
    });
    await sub.ready;
    const arrived = (count: number) => new Promise<void>((resolve) => ((want = count), (got = resolve)));
    let reconnects = 0;
    client.on('reconnecting', () => reconnects++);

    let wait = arrived(1);
    await test.server.publish('ticks', 1);
    await wait;
    // Settles once the server has answered the client's rpc.authenticate.
    const renewed = new Promise<void>((resolve) =>
      test.server.use(async (call, next) => {
        const result = await next();
        if (call.method === 'rpc.authenticate') resolve();
        return result;
      }),
    );
    test.server.expireCredentials(peers[0]!, { grace: 5_000 });
    wait = arrived(3);
    await test.server.publish('ticks', 2);
    await renewed;
    await test.server.publish('ticks', 3);
    await wait;
    expect(events).toEqual([1, 2, 3]);
    expect(seen).toEqual(['t0', 't1']);
    expect(peers[0]!.data.token).toBe('t1');
    expect(reconnects).toBe(0);
    expect(test.server.subscriberCount('ticks')).toBe(1);
  });

  it('closes with 4401 when the server refuses a re-authentication, and does not retry', async () => {
    const { test } = await authServer();
    await using _ = test;
    await using client = connect(`${test.url}?token=t0`, { auth: () => ({ token: 'revoked' }) });
    const closed = new Promise<{ why: string; code: number | undefined }>((resolve) =>
      client.once('closed', (event) => resolve({ why: event.why, code: event.disconnect?.code })),
    );
    await expect(client.reauthenticate()).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
      message: 'token revoked',
    });
    expect(await closed).toEqual({ why: 'refused', code: CloseCode.Unauthorized });
  });

  it('retries a url function that failed, like a network failure', async () => {
    const { test, seen } = await authServer();
    await using _ = test;
    let calls = 0;
    await using client = connect(
      () => {
        if (++calls === 1) throw new Error('token endpoint down');
        return `${test.url}?token=late`;
      },
      { reconnect: { baseDelay: 1, maxDelay: 1 } },
    );
    const message = new Promise<string>((resolve) => client.once('reconnecting', (event) => resolve(event.message)));
    expect(await message).toBe(
      'cannot connect to the url option: the url or protocols option failed: token endpoint down',
    );
    await client.opened();
    expect(seen).toEqual(['late']);
  });
});
