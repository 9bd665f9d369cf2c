import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Peer } from '@tether/core';
import { CloseCode, type TetherServer } from './index.js';
import { openRaw, useServers } from './test-support.js';

const start = useServers();

/** The server side of the next connection: its upgraded socket, where queued writes are counted, and its peer. */
async function nextConnection(server: TetherServer<undefined>) {
  const upgraded = once(server.httpServer, 'upgrade') as Promise<[unknown, Socket]>;
  const connected = once(server, 'connect') as Promise<[Peer<undefined>]>;
  const client = await openRaw(server.url);
  const [[, socket], [peer]] = await Promise.all([upgraded, connected]);
  return { client, socket, peer };
}

const request = (id: number, method: string) => JSON.stringify({ jsonrpc: '2.0', id, method });

describe('a client that sends calls and does not read', () => {
  it('gets no call run while its queue is past maxBufferedBytes, and every answer once it reads', async () => {
    const limit = 256 * 1024;
    const server = await start({ port: 0, maxBufferedBytes: limit });
    const { client, socket } = await nextConnection(server);
    const result = 'x'.repeat(100 * 1024);
    const queuedAtRun: number[] = [];
    server.register('big', () => {
      queuedAtRun.push(socket.writableLength);
      return result;
    });
    client.ws.pause();
    const count = 1000;
    // Sent before the server's next turn, the 40 kB of requests reach it in one TCP read.
    const frames = Array.from({ length: count }, (_, i) => request(i + 1, 'big'));
    for (const frame of frames) client.ws.send(frame);
    client.ws.resume();
    const ids: unknown[] = [];
    for (let i = 0; i < count; i++) ids.push(((await client.next()) as { id: unknown; result: string }).id);
    expect(ids).toEqual(frames.map((_, i) => i + 1));
    expect(queuedAtRun).toHaveLength(count);
    // The queue at each run is under the limit, so it never holds more than the limit and one result.
    expect(Math.max(...queuedAtRun)).toBeLessThan(limit);
    client.ws.close();
  });

  it('with async handlers, holds at most twice maxBufferedBytes and one result, and answers every call once it reads', async () => {
    const limit = 256 * 1024;
    const server = await start({ port: 0, maxBufferedBytes: limit });
    const { client, socket } = await nextConnection(server);
    const result = 'x'.repeat(100 * 1024);
    const queuedAtResult: number[] = [];
    server.register('big', async () => {
      // Each result comes in a turn of its own, as from I/O; what is queued then is what the results before it left.
      await new Promise((resolve) => setImmediate(resolve));
      queuedAtResult.push(socket.writableLength);
      return result;
    });
    client.ws.pause();
    const count = 1000;
    // In one TCP read, so that every call starts before any result is queued.
    for (let id = 1; id <= count; id++) client.ws.send(request(id, 'big'));
    client.ws.resume();
    const answers = new Map<unknown, { result?: string; error?: { code: number; data: unknown } }>();
    for (let i = 0; i < count; i++) {
      const answer = (await client.next()) as { id: unknown; result?: string; error?: { code: number; data: unknown } };
      expect(answers.has(answer.id)).toBe(false);
      answers.set(answer.id, answer);
    }
    expect([...answers.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: count }, (_, i) => i + 1),
    );
    expect(queuedAtResult).toHaveLength(count);
    // Past twice the limit results are refused: the queue holds at most that, the one result
    // that crossed it, and the small errors that replaced the rest.
    expect(Math.max(...queuedAtResult)).toBeLessThanOrEqual(2 * limit + result.length + 256 * count);
    const refused = [...answers.values()].filter((answer) => answer.error);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.error).toMatchObject({ code: -32002, data: { method: 'big', limit: 2 * limit } });
    }
    for (const answer of answers.values()) if (!answer.error) expect(answer.result).toBe(result);
    client.ws.close();
  });

  it('runs none of its calls once the server has decided to close it with 1013', async () => {
    const server = await start({ port: 0, maxBufferedBytes: 64 * 1024, backpressure: 'close' });
    let decided = false;
    let runsAfterDecision = 0;
    server.on('backpressure', (_peer, event) => {
      if (event.action === 'close') decided = true;
    });
    const result = 'x'.repeat(16 * 1024);
    server.register('big', async () => {
      if (decided) runsAfterDecision++;
      await null;
      return result;
    });
    const { client } = await nextConnection(server);
    client.ws.pause();
    const disconnected = once(server, 'disconnect');
    // 20,000 calls in rounds: their results fill the kernel's buffers and then the queue, and
    // meet it full; the rest arrive after the decision.
    for (let round = 0, id = 1; round < 200; round++) {
      for (let i = 0; i < 100; i++) client.ws.send(request(id++, 'big'));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(decided).toBe(true);
    // Reading again, the client gets the close frame and answers it: by then the server has read all it sent.
    client.ws.resume();
    await expect(client.closed).resolves.toMatchObject({ code: CloseCode.TryAgainLater });
    await disconnected;
    expect(runsAfterDecision).toBe(0);
  });
});
