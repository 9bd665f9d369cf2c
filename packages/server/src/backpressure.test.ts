import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Peer } from '@tether/core';
import { CloseCode, type BackpressureEvent } from './index.js';
import { openRaw, useServers, type RawClient } from './test-support.js';

const start = useServers();

/** Counts what `client` reads; `reach(n)` resolves once it has read n messages in all. */
function countMessages(client: RawClient) {
  let seen = 0;
  let target = Infinity;
  let reached: (() => void) | undefined;
  client.ws.on('message', () => {
    if (++seen >= target) reached?.();
  });
  return {
    reach: (count: number) =>
      new Promise<void>((resolve) => {
        target = count;
        reached = resolve;
        if (seen >= count) resolve();
      }),
  };
}

const payload = 'x'.repeat(8 * 1024);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('slow readers', () => {
  it('drops pushes to a client that stopped reading while a reading one gets every one', async () => {
    const server = await start({ port: 0, maxBufferedBytes: 64 * 1024 });
    const events: Array<[Peer<undefined>, BackpressureEvent]> = [];
    server.on('backpressure', (peer, event) => events.push([peer, event]));
    // The upgraded socket is where the server queues what it writes to the stalled client.
    const upgraded = once(server.httpServer, 'upgrade') as Promise<[unknown, Socket]>;
    const connected = once(server, 'connect');
    const slow = await openRaw(server.url);
    const [[, slowSocket], [slowPeer]] = await Promise.all([upgraded, connected]);
    slow.ws.pause();
    const fast = await openRaw(server.url);
    const fastReads = countMessages(fast);
    const rounds = 800;
    const perRound = 4;
    let peak = 0;
    // 26 MB to the stalled client, beyond what kernel buffers take; each round fits the limit, and the reading client keeps up.
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < perRound; i++) server.broadcast('tick', [round, i, payload]);
      peak = Math.max(peak, slowSocket.writableLength);
      await fastReads.reach((round + 1) * perRound);
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(64 * 1024 + payload.length + 64);
    const stats = server.stats;
    expect(stats.dropped).toBeGreaterThan((rounds * perRound) / 2);
    expect(stats.connections).toBe(2);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every(([peer, event]) => peer === slowPeer && event.action === 'drop')).toBe(true);
    fast.ws.close();
    slow.ws.terminate();
  });

  it("closes a slow reader with 1013 under 'close' once a non-droppable message meets a full queue", async () => {
    const server = await start({ port: 0, maxBufferedBytes: 64 * 1024, backpressure: 'close' });
    let closing: BackpressureEvent | undefined;
    server.on('backpressure', (_peer, event) => {
      if (event.action === 'close') closing = event;
    });
    const connected = once(server, 'connect');
    const client = await openRaw(server.url);
    const [peer] = (await connected) as [Peer];
    client.ws.pause();
    for (let round = 0; !closing && round < 2000; round++) {
      for (let i = 0; i < 4; i++) peer.notify('tick', [payload]);
      await nextTurn();
    }
    expect(closing?.bufferedAmount).toBeGreaterThanOrEqual(64 * 1024);
    const disconnected = once(server, 'disconnect');
    client.ws.resume();
    await expect(client.closed).resolves.toMatchObject({ code: CloseCode.TryAgainLater });
    const [, info] = await disconnected;
    expect(info.code).toBe(CloseCode.TryAgainLater);
  });
});
