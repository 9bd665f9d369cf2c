import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tether/core';
import { WebSocket } from 'ws';
import { connectPeer, refusedUpgrade, useServers } from '../test-support.js';
import { MemoryRateLimitStore } from './rate-limit-store.js';

type Caller = { user: string };
const start = useServers();
const authenticate = (request: { query: URLSearchParams }): Caller => ({ user: request.query.get('user') ?? 'anon' });

/** The Retry-After header of a refused upgrade. */
function retryAfterOf(url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => reject(new Error('upgrade was accepted')));
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.headers['retry-after']);
      response.resume();
    });
  });
}

describe('connections per address and per user', () => {
  it('refuses connections past the per-address limit with 429 and Retry-After, and admits again once one closes', async () => {
    const server = await start({ port: 0, quotas: { connectionsPerAddress: 2 } });
    const first = await connectPeer(server.url);
    const second = await connectPeer(server.url);
    await expect(refusedUpgrade(server.url)).resolves.toEqual({
      status: 429,
      body: 'Too many connections from this address (limit 2); retry after 5 s or close another',
    });
    await expect(retryAfterOf(server.url)).resolves.toBe('5');
    const gone = once(server, 'disconnect');
    first.close();
    await gone;
    const third = await connectPeer(server.url);
    second.close();
    third.close();
  });

  it('counts connections per user, as `quotas.user` names them, apart from other users', async () => {
    const server = await start<Caller>({ port: 0, authenticate, quotas: { connectionsPerUser: 1 } });
    const ada = await connectPeer(`${server.url}?user=ada`);
    await expect(refusedUpgrade(`${server.url}?user=ada`)).resolves.toMatchObject({
      status: 429,
      body: expect.stringContaining('Too many connections for this user (limit 1)'),
    });
    const grace = await connectPeer(`${server.url}?user=grace`);
    expect(server.stats.connections).toBe(2);
    ada.close();
    grace.close();
  });
});

describe('calls per user', () => {
  it("shares one bucket between a user's connections and answers excess calls -32003 with retryAfterMs", async () => {
    const server = await start<Caller>({
      port: 0,
      authenticate,
      quotas: { callsPerUser: { callsPerSecond: 0.001, burst: 3 } },
    });
    server.register('ping', () => 'pong');
    const [a, b, other] = await Promise.all([
      connectPeer(`${server.url}?user=ada`),
      connectPeer(`${server.url}?user=ada`),
      connectPeer(`${server.url}?user=grace`),
    ]);
    await a.call('ping');
    await b.call('ping');
    await a.call('ping');
    const refused = await b.call('ping').catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: ErrorCode.RateLimited,
      message: 'tether: rate limit of 0.001 calls/s per user exceeded',
      data: { retryAfterMs: expect.any(Number) },
    });
    expect((refused as { data: { retryAfterMs: number } }).data.retryAfterMs).toBeGreaterThan(900_000);
    await expect(other.call('ping')).resolves.toBe('pong');
    for (const peer of [a, b, other]) peer.close();
  });

  it('forgets a bucket once it has refilled, so memory holds only recent callers', () => {
    let now = 0;
    const store = new MemoryRateLimitStore(() => now);
    const limit = { callsPerSecond: 10, burst: 5 };
    for (let i = 0; i < 5; i++) expect(store.take('ada', limit)).toBe(0);
    expect(store.take('ada', limit)).toBe(100);
    store.take('grace', limit);
    now = 400; // grace is full again (4 tokens refilled), ada is not (4 of 5)
    store.sweep();
    expect(store.size).toBe(1);
    now = 600;
    store.sweep();
    expect(store.size).toBe(0);
    void store.close();
  });

  it('rejects a limit that cannot hold at construction', async () => {
    await expect(start({ port: 0, quotas: { connectionsPerUser: 0 } })).rejects.toThrow(
      /connectionsPerUser must be a positive integer/,
    );
    await expect(start({ port: 0, quotas: { callsPerUser: { callsPerSecond: 0 } } })).rejects.toThrow(
      /callsPerSecond must be above 0/,
    );
  });
});
