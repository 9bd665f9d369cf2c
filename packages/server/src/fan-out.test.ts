import { once } from 'node:events';
import { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectPeer, useServers } from './test-support.js';

const start = useServers();

afterEach(() => {
  vi.restoreAllMocks();
});

/** A third-party client: plain `ws`, every message kept as the bytes received. */
async function openBytes(url: string) {
  const ws = new WebSocket(url);
  const received: Buffer[] = [];
  const waiting: Array<() => void> = [];
  ws.on('message', (data) => {
    received.push(data as Buffer);
    waiting.shift()?.();
  });
  await once(ws, 'open');
  let next = 0;
  return {
    ws,
    send: (message: unknown) => ws.send(JSON.stringify(message)),
    /** The next message, as bytes. */
    next: async (): Promise<Buffer> => {
      while (next >= received.length) await new Promise<void>((resolve) => waiting.push(resolve));
      return received[next++]!;
    },
  };
}

type Bytes = Awaited<ReturnType<typeof openBytes>>;

interface PushFrame {
  params: { result: unknown };
}

async function subscribe(client: Bytes, id: number, topic = 'news'): Promise<string> {
  client.send({ jsonrpc: '2.0', id, method: 'rpc.subscribe', params: { name: 'topic', params: [topic] } });
  const answer = JSON.parse(String(await client.next())) as { result: string };
  expect(typeof answer.result).toBe('string');
  return answer.result;
}

async function serveTopics() {
  const server = await start({ port: 0 });
  server.subscription('topic', (name: string) => server.topic(name));
  return server;
}

describe('fan-out of a topic', () => {
  it('sends every subscriber the same bytes, under an id the same on every connection', async () => {
    const server = await serveTopics();
    const clients = await Promise.all(Array.from({ length: 5 }, () => openBytes(server.url)));
    // Connections that hold other subscriptions first, so no per-connection count lines their ids up.
    for (const [i, client] of clients.entries())
      for (let j = 0; j < i; j++) await subscribe(client, 100 + j, `other${j}`);
    const ids = await Promise.all(clients.map((client) => subscribe(client, 1)));
    expect(new Set(ids).size).toBe(1);
    await server.publish('news', { headline: 'frames once' });
    const frames = await Promise.all(clients.map((client) => client.next()));
    for (const frame of frames) expect(frame.equals(frames[0]!)).toBe(true);
    expect(JSON.parse(String(frames[0]))).toMatchObject({
      method: 'rpc.subscription',
      params: { subscription: ids[0], result: { headline: 'frames once' }, eventId: 1 },
    });
    for (const client of clients) client.ws.close();
  });

  it('frames each event once, however many subscribers', async () => {
    const server = await serveTopics();
    const clients = await Promise.all(Array.from({ length: 8 }, () => openBytes(server.url)));
    await Promise.all(clients.map((client) => subscribe(client, 1)));
    const write = vi.spyOn(Socket.prototype, 'write');
    for (let i = 1; i <= 3; i++) await server.publish('news', i);
    const pushes = await Promise.all(
      clients.map(async (client) => [await client.next(), await client.next(), await client.next()]),
    );
    expect(pushes.flat()).toHaveLength(24);
    const written = write.mock.calls.map(([chunk]) => chunk).filter((chunk) => Buffer.isBuffer(chunk));
    expect(written).toHaveLength(24);
    // The same buffer object to every socket: one encoding and one framing per event.
    expect(new Set(written).size).toBe(3);
    for (const client of clients) client.ws.close();
  });

  it('gives a second subscription to the topic on one connection its own id, and each unsubscribes by its id', async () => {
    const server = await serveTopics();
    const client = await openBytes(server.url);
    const first = await subscribe(client, 1);
    const second = await subscribe(client, 2);
    expect(second).not.toBe(first);
    client.send({ jsonrpc: '2.0', id: 3, method: 'rpc.unsubscribe', params: [first] });
    expect(JSON.parse(String(await client.next()))).toEqual({ jsonrpc: '2.0', id: 3, result: true });
    expect(server.subscriberCount('news')).toBe(1);
    await server.publish('news', 'still here');
    expect(JSON.parse(String(await client.next()))).toMatchObject({
      params: { subscription: second, result: 'still here' },
    });
    client.send({ jsonrpc: '2.0', id: 4, method: 'rpc.unsubscribe', params: [second] });
    expect(JSON.parse(String(await client.next()))).toEqual({ jsonrpc: '2.0', id: 4, result: true });
    expect(server.subscriberCount('news')).toBe(0);
    client.ws.close();
  });

  it('writes events that follow one another while sockets wait for the last together, in order', async () => {
    const server = await serveTopics();
    const clients = await Promise.all(Array.from({ length: 300 }, () => openBytes(server.url)));
    await Promise.all(clients.map((client) => subscribe(client, 1)));
    const writes = vi.spyOn(Socket.prototype as unknown as { _writeGeneric: () => void }, '_writeGeneric');
    // One event per turn, as events from elsewhere arrive: without the outbox, one write per socket per event.
    for (let i = 1; i <= 4; i++) {
      await server.publish('news', i);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const received = await Promise.all(
      clients.map(async (client) => {
        const events: unknown[] = [];
        for (let i = 0; i < 4; i++) events.push((JSON.parse(String(await client.next())) as PushFrame).params.result);
        return events;
      }),
    );
    for (const events of received) expect(events).toEqual([1, 2, 3, 4]);
    expect(writes.mock.calls.length).toBeLessThan(4 * 300 * 0.75);
    for (const client of clients) client.ws.close();
  });

  it('sends a push before a response written after it', async () => {
    const server = await serveTopics();
    server.register('publishThenAnswer', async () => {
      await server.publish('news', 'first');
      return 'second';
    });
    const client = await openBytes(server.url);
    await subscribe(client, 1);
    client.send({ jsonrpc: '2.0', id: 2, method: 'publishThenAnswer' });
    expect(JSON.parse(String(await client.next()))).toMatchObject({ params: { result: 'first' } });
    expect(JSON.parse(String(await client.next()))).toEqual({ jsonrpc: '2.0', id: 2, result: 'second' });
    client.ws.close();
  });

  it('writes the pushes it accepted before the close frame of a shutdown', async () => {
    const server = await serveTopics();
    const client = await openBytes(server.url);
    await subscribe(client, 1);
    const closed = once(client.ws, 'close');
    await server.publish('news', 'last words');
    await server.close({ deadline: 0 });
    expect(JSON.parse(String(await client.next()))).toMatchObject({ params: { result: 'last words' } });
    await closed;
  });

  it('delivers to a Tether client as before', async () => {
    const server = await serveTopics();
    const peer = await connectPeer(server.url);
    const seen: unknown[] = [];
    let both: () => void;
    const arrived = new Promise<void>((resolve) => (both = resolve));
    const sub = peer.subscribe('topic', ['news'], { onEvent: (event) => seen.push(event) === 2 && both() });
    await sub.ready;
    await server.publish('news', 'a');
    await server.publish('news', 'b');
    await arrived;
    expect(seen).toEqual(['a', 'b']);
    peer.close();
  });
});
