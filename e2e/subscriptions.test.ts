import { connect, type Client } from '@tether/client';
import { ErrorCode, RpcError } from '@tether/core';
import { createServer, MemoryBroker } from '@tether/server';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function server(options: { port?: number; broker?: MemoryBroker } = {}) {
  const s = await createServer({ port: options.port ?? 0, ...(options.broker ? { broker: options.broker } : {}) });
  s.subscription('news', (room: string) => {
    if (room === 'secret') throw new RpcError(ErrorCode.Unauthorized, 'Not a member of this room');
    return s.topic(`news:${room}`);
  });
  cleanup.push(() => s.close({ deadline: 0 }));
  return s;
}

function client(url: string): Client {
  const c = connect(url, { reconnect: { baseDelay: 5, maxDelay: 20 } });
  cleanup.push(() => c.close());
  return c;
}

/** Collects a subscription's events and resolves when `n` have arrived: driven by delivery. */
function collector() {
  const seen: number[] = [];
  let check = () => undefined as void;
  return {
    seen,
    onEvent: (n: number) => {
      seen.push(n);
      check();
    },
    reach: (n: number) =>
      new Promise<void>((resolve) => {
        check = () => (seen.length >= n ? resolve() : undefined);
        check();
      }),
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A JSON-RPC client that knows nothing of Tether: raw ws and hand-written JSON. */
async function rawClient(url: string) {
  const ws = new WebSocket(url);
  cleanup.push(() => ws.terminate());
  const inbox: unknown[] = [];
  const waiting: Array<() => void> = [];
  ws.on('message', (data) => {
    inbox.push(JSON.parse(String(data)));
    waiting.splice(0).forEach((wake) => wake());
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    send: (text: string) => ws.send(text),
    /** The next `n` messages, in arrival order. */
    async take(n: number): Promise<unknown[]> {
      while (inbox.length < n) await new Promise<void>((resolve) => waiting.push(resolve));
      return inbox.splice(0, n);
    },
  };
}

describe('subscriptions over WebSocket', () => {
  it('a hand-written JSON-RPC client subscribes, receives pushes, and unsubscribes', async () => {
    const s = await server();
    const raw = await rawClient(s.url);
    raw.send('{"jsonrpc":"2.0","id":1,"method":"rpc.subscribe","params":{"name":"news","params":["lobby"]}}');
    const [ack] = (await raw.take(1)) as Array<{ id: number; result: string }>;
    expect(ack).toEqual({ jsonrpc: '2.0', id: 1, result: expect.any(String) });
    await s.publish('news:lobby', { text: 'hello' });
    await s.publish('news:lobby', { text: 'again' });
    expect(await raw.take(2)).toEqual([
      {
        jsonrpc: '2.0',
        method: 'rpc.subscription',
        params: { subscription: ack!.result, result: { text: 'hello' }, eventId: 1, epoch: expect.any(String) },
      },
      {
        jsonrpc: '2.0',
        method: 'rpc.subscription',
        params: { subscription: ack!.result, result: { text: 'again' }, eventId: 2, epoch: expect.any(String) },
      },
    ]);
    raw.send(`{"jsonrpc":"2.0","id":2,"method":"rpc.unsubscribe","params":["${ack!.result}"]}`);
    expect(await raw.take(1)).toEqual([{ jsonrpc: '2.0', id: 2, result: true }]);
    expect(s.subscriberCount('news:lobby')).toBe(0);
    raw.send('{"jsonrpc":"2.0","id":3,"method":"rpc.subscribe","params":["news",["secret"]]}');
    expect(await raw.take(1)).toEqual([
      { jsonrpc: '2.0', id: 3, error: { code: ErrorCode.Unauthorized, message: 'Not a member of this room' } },
    ]);
  });

  it('a client that knows nothing of epochs resumes with a bare after, as before', async () => {
    const s = await server();
    for (let i = 1; i <= 3; i++) await s.publish('news:lobby', i);
    const raw = await rawClient(s.url);
    raw.send('{"jsonrpc":"2.0","id":1,"method":"rpc.subscribe","params":{"name":"news","params":["lobby"],"after":1}}');
    const [ack, second, third] = (await raw.take(3)) as Array<{
      result: string;
      params: { result: number; eventId: number; epoch: string };
    }>;
    expect(ack).toEqual({ jsonrpc: '2.0', id: 1, result: expect.any(String) });
    // The epoch comes along as an extra member it can ignore; the replay is what it always was.
    expect([second!.params, third!.params]).toEqual([
      { subscription: ack!.result, result: 2, eventId: 2, epoch: expect.any(String) },
      { subscription: ack!.result, result: 3, eventId: 3, epoch: third!.params.epoch },
    ]);
    // Resuming with the epoch it was given is a plain continuation; with one the server never had, a restart.
    const epoch = third!.params.epoch;
    raw.send(`{"jsonrpc":"2.0","id":2,"method":"rpc.subscribe","params":["news",["lobby"],2,"${epoch}"]}`);
    const [ack2, replay] = (await raw.take(2)) as Array<{ result: string; params: unknown }>;
    expect(replay!.params).toEqual({ subscription: ack2!.result, result: 3, eventId: 3, epoch });
    raw.send('{"jsonrpc":"2.0","id":3,"method":"rpc.subscribe","params":["news",["lobby"],2,"gone"]}');
    const [ack3, gap] = (await raw.take(2)) as Array<{ result: string; params: unknown }>;
    expect(gap!.params).toEqual({ subscription: ack3!.result, gap: { after: 2, next: 1, restarted: true, epoch } });
  });

  it('many subscribers on one topic all receive every event, in order', async () => {
    const s = await server();
    const clients = Array.from({ length: 25 }, () => client(s.url));
    const collectors = clients.map(() => collector());
    await Promise.all(
      clients.map((c, i) => c.subscribe<number>('news', ['lobby'], { onEvent: collectors[i]!.onEvent }).ready),
    );
    expect(s.subscriberCount('news:lobby')).toBe(25);
    for (let i = 1; i <= 300; i++) void s.publish('news:lobby', i);
    await Promise.all(collectors.map((c) => c.reach(300)));
    for (const c of collectors) expect(c.seen).toEqual(range(1, 300));
  });

  it('unsubscribe and disconnect free the server-side entries at once', async () => {
    const s = await server();
    const c = client(s.url);
    const a = c.subscribe('news', ['lobby']);
    const b = c.subscribe('news', ['lobby']);
    await Promise.all([a.ready, b.ready]);
    expect(s.subscriberCount('news:lobby')).toBe(2);
    const [peer] = s.connections;
    await a.unsubscribe(); // resolves once the server has released it
    expect(s.subscriberCount('news:lobby')).toBe(1);
    expect(peer!.stats.serving).toBe(1);
    const gone = new Promise((resolve) => s.once('disconnect', resolve));
    await c.close();
    await gone;
    expect(s.subscriberCount('news:lobby')).toBe(0);
  });

  it('resumes across a server restart: every event exactly once, in order', async () => {
    const broker = new MemoryBroker({ historySize: 10_000 }); // outlives the server, as Redis would
    const first = await server({ broker });
    const port = first.port;
    const c = client(first.url);
    const got = collector();
    await c.subscribe<number>('news', ['lobby'], { onEvent: got.onEvent }).ready;
    for (let i = 1; i <= 300; i++) void first.publish('news:lobby', i);
    await got.reach(100); // mid-stream
    const reconnecting = new Promise((resolve) => c.once('reconnecting', resolve));
    await first.close({ deadline: 0 });
    await reconnecting;
    for (let i = 301; i <= 600; i++) await broker.publish('news:lobby', i); // while no server runs
    const second = await server({ port, broker });
    for (let i = 601; i <= 900; i++) void second.publish('news:lobby', i);
    await got.reach(900);
    const counts = new Map<number, number>();
    for (const n of got.seen) counts.set(n, (counts.get(n) ?? 0) + 1);
    expect({
      lost: range(1, 900).filter((n) => !counts.has(n)).length,
      duplicated: [...counts.values()].filter((k) => k > 1).length,
    }).toEqual({ lost: 0, duplicated: 0 });
    expect(got.seen).toEqual(range(1, 900));
  });

  it('tells a subscriber resuming across a restart of a memory-broker server that the topic restarted', async () => {
    const first = await server();
    const port = first.port;
    const c = client(first.url);
    const seen: number[] = [];
    const gaps: unknown[] = [];
    let arrived = () => undefined as void;
    const sub = c.subscribe<number>('news', ['lobby'], {
      onEvent: (n) => {
        seen.push(n);
        arrived();
      },
      onGap: (g) => gaps.push(g),
    });
    await sub.ready;
    const received = (n: number) =>
      new Promise<void>((resolve) => {
        arrived = () => (seen.includes(n) ? resolve() : undefined);
        arrived();
      });
    for (let i = 1; i <= 1999; i++) void first.publish('news:lobby', i);
    await received(1999);
    const reconnecting = new Promise((resolve) => c.once('reconnecting', resolve));
    await first.close({ deadline: 0 }); // its own MemoryBroker, and the topic's history, go with it
    await reconnecting;
    const reopened = new Promise<void>((resolve) => c.once('open', () => resolve()));
    const second = await server({ port });
    // Published before the client is back: the new incarnation of the topic reaches id 2500.
    for (let i = 1; i <= 2500; i++) void second.publish('news:lobby', 10_000 + i);
    await reopened;
    await second.publish('news:lobby', 99_999); // id 2501, after whatever the resume replays
    await received(99_999);
    const resumed = seen.slice(1999);
    // Not a continuation at 2000: the subscriber is told its position belongs to a topic that is
    // gone, then gets the new incarnation's history (its newest 1000 events) and the live feed.
    expect({ gaps, resumed: resumed.length, firstAfterResume: resumed[0] }).toEqual({
      gaps: [{ after: 1999, next: 1502, restarted: true, epoch: expect.any(String) }],
      resumed: 1000,
      firstAfterResume: 10_000 + 1502,
    });
    expect(sub.epoch).toEqual((gaps[0] as { epoch: string }).epoch);
    expect(sub.lastEventId).toBe(2501);
  });

  it('reports a gap larger than the history instead of a silent hole', async () => {
    const s = await server({ broker: new MemoryBroker({ historySize: 20 }) });
    for (let i = 1; i <= 100; i++) await s.publish('news:lobby', i);
    const c = client(s.url);
    const strict = c.subscribe<number>('news', ['lobby'], { after: 10 });
    await expect(strict[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: ErrorCode.HistoryGap,
      data: { after: 10, next: 81 },
    });
    const gaps: unknown[] = [];
    const got = collector();
    await c.subscribe<number>('news', ['lobby'], { after: 10, onGap: (g) => gaps.push(g), onEvent: got.onEvent }).ready;
    await got.reach(20);
    expect(gaps).toEqual([{ after: 10, next: 81 }]);
    expect(got.seen).toEqual(range(81, 100));
  });

  it('a reader whose pushes were shed is told from which event, even when nothing follows', async () => {
    const s = await server({ broker: new MemoryBroker({ historySize: 5000 }) });
    const stalled = await rawClient(s.url);
    stalled.send('{"jsonrpc":"2.0","id":1,"method":"rpc.subscribe","params":["news",["lobby"]]}');
    await stalled.take(1);
    const socket = (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const payload = 'x'.repeat(4096);
    for (let i = 1; i <= 3000; i++) {
      await s.publish('news:lobby', { i, payload });
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(s.stats.dropped).toBeGreaterThan(0); // 12 MB: more than the kernel's buffers and the 1 MiB bound hold
    socket.resume();
    // Everything the server sent for the subscription is ahead of this response on the socket.
    stalled.send('{"jsonrpc":"2.0","id":2,"method":"rpc.unsubscribe","params":["none"]}');
    const pushes: Array<{ eventId?: number; error?: { code: number; data?: { after?: number } } }> = [];
    for (;;) {
      const [message] = (await stalled.take(1)) as Array<{ id?: number; params: (typeof pushes)[number] }>;
      if (message!.id === 2) break;
      pushes.push(message!.params);
    }
    const ids = pushes.flatMap((p) => (p.eventId === undefined ? [] : [p.eventId]));
    expect(ids).toEqual(range(1, ids.length)); // nothing shed before the first loss
    // The tail was shed and nothing came after it to show a hole: the subscription says so and ends.
    expect(pushes.at(-1)?.error).toMatchObject({ code: ErrorCode.Overloaded, data: { after: ids.length } });
  });

  it('a reader that stops reading does not hold back the others', async () => {
    const s = await server({ broker: new MemoryBroker({ historySize: 5000 }) });
    const stalled = await rawClient(s.url);
    stalled.send('{"jsonrpc":"2.0","id":1,"method":"rpc.subscribe","params":["news",["lobby"]]}');
    await stalled.take(1);
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // stops reading its socket
    const fast = client(s.url);
    const got = collector();
    await fast.subscribe<{ i: number }>('news', ['lobby'], { onEvent: (e) => got.onEvent(e.i) }).ready;
    const payload = 'x'.repeat(4096);
    for (let i = 1; i <= 2000; i++) {
      await s.publish('news:lobby', { i, payload });
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve)); // let sockets flush
    }
    await got.reach(2000);
    expect(got.seen).toEqual(range(1, 2000));
    // 8 MB went to the stalled reader: shed past its 1 MiB buffer bound, not held in server memory.
    expect(s.stats.dropped).toBeGreaterThan(0);
  });
});
