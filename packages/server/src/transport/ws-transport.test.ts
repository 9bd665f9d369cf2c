import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { CloseCode } from '@tether/core';
import { serverSocketOptions } from './server-socket.js';
import type { BackpressureEvent } from './backpressure.js';
import { WsTransport, type WsTransportOptions } from './ws-transport.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/**
 * A server-side transport over a real loopback socket, and the raw client at the other end,
 * paused: it reads nothing. The server's socket is ws's own, or with `serverSocket` the Node
 * server's (ServerSocket, which answers pings through its transport).
 */
async function pairWithStalledClient(options: WsTransportOptions, serverSocket = false) {
  const wss = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    perMessageDeflate: false,
    // As the Node server makes it: ws's client tracking would add a close listener of its own.
    ...(serverSocket && { ...serverSocketOptions, clientTracking: false }),
  });
  await once(wss, 'listening');
  const accepted = once(wss, 'connection') as Promise<[WebSocket, { socket: Socket }]>;
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await once(client, 'open');
  client.pause();
  const [ws, request] = await accepted;
  const events: BackpressureEvent[] = [];
  const transport = new WsTransport(ws, {
    ...options,
    socket: request.socket,
    onBackpressure: (event) => events.push(event),
  });
  closers.push(() => {
    client.terminate();
    ws.terminate();
    wss.close();
  });
  return { transport, client, socket: request.socket, events };
}

const message = (size: number) => JSON.stringify({ jsonrpc: '2.0', method: 'tick', params: ['x'.repeat(size)] });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('WsTransport backpressure', () => {
  it('drops pushes to a reader that stopped, keeping the queue within the limit', async () => {
    const limit = 64 * 1024;
    const { transport, events } = await pairWithStalledClient({ maxBufferedBytes: limit });
    const push = message(8 * 1024);
    let peak = 0;
    const round = () => {
      for (let i = 0; i < 50; i++) transport.send(push, { droppable: true });
      peak = Math.max(peak, transport.bufferedAmount);
    };
    // The kernel's buffers take megabytes first; the queue stays full across turns once they are.
    let rounds = 0;
    while (transport.bufferedAmount < limit && rounds++ < 2000) {
      round();
      await nextTurn();
    }
    expect(transport.bufferedAmount).toBeGreaterThanOrEqual(limit);
    const [dropped, reported] = [transport.dropped, events.length];
    for (let i = 0; i < 20; i++) {
      round();
      await nextTurn();
    }
    expect(transport.dropped - dropped).toBe(20 * 50);
    expect(events.length).toBe(reported);
    expect(peak).toBeLessThan(limit + push.length + 64);
    expect(events.every((e) => e.action === 'drop' && e.bufferedAmount >= limit)).toBe(true);
  });

  it("closes with 1013 under 'close' when a non-droppable message meets a full queue", async () => {
    const { transport, client, events } = await pairWithStalledClient({
      maxBufferedBytes: 64 * 1024,
      backpressure: 'close',
    });
    const reply = message(8 * 1024);
    for (let rounds = 0; transport.ws.readyState === WebSocket.OPEN && rounds < 2000; rounds++) {
      for (let i = 0; i < 50; i++) transport.send(reply);
      await nextTurn();
    }
    expect(transport.ws.readyState).toBe(WebSocket.CLOSING);
    expect(events.at(-1)).toMatchObject({ action: 'close' });
    const closed = once(client, 'close');
    client.resume();
    const [code] = await closed;
    expect(code).toBe(CloseCode.TryAgainLater);
  });

  it("still sends non-droppable messages under 'drop', and stops reading until the queue drains", async () => {
    const limit = 64 * 1024;
    const { transport, client, socket } = await pairWithStalledClient({ maxBufferedBytes: limit });
    const reply = message(8 * 1024);
    for (let rounds = 0; transport.bufferedAmount < limit * 4 && rounds < 2000; rounds++) {
      for (let i = 0; i < 50; i++) transport.send(reply);
      await nextTurn();
    }
    expect(transport.bufferedAmount).toBeGreaterThanOrEqual(limit * 4);
    expect(transport.dropped).toBe(0);
    expect(transport.ws.isPaused).toBe(true);
    const drained = once(socket, 'drain');
    client.resume();
    await drained;
    expect(transport.ws.isPaused).toBe(false);
    transport.send(reply, { droppable: true });
    expect(transport.dropped).toBe(0);
  });

  it('holds messages that arrive while the queue is full, and delivers them in order once it drains', async () => {
    const limit = 64 * 1024;
    const { transport, client } = await pairWithStalledClient({ maxBufferedBytes: limit });
    const reply = message(100 * 1024);
    const count = 50;
    const queuedAtDelivery: number[] = [];
    const texts: string[] = [];
    let allDelivered!: () => void;
    const delivered = new Promise<void>((resolve) => (allDelivered = resolve));
    transport.onMessage((text) => {
      queuedAtDelivery.push(transport.bufferedAmount);
      texts.push(text);
      transport.send(reply);
      if (texts.length === count) allDelivered();
    });
    // Sent in one turn, they reach the server in one read: each reply alone fills the queue.
    for (let i = 0; i < count; i++) client.send(String(i));
    client.resume();
    await delivered;
    expect(texts).toEqual(Array.from({ length: count }, (_, i) => String(i)));
    expect(Math.max(...queuedAtDelivery)).toBeLessThan(limit);
  });

  it('delivers nothing it reads once it has been closed', async () => {
    const { transport, client } = await pairWithStalledClient({});
    client.resume();
    const texts: string[] = [];
    let first!: () => void;
    const gotFirst = new Promise<void>((resolve) => (first = resolve));
    transport.onMessage((text) => {
      texts.push(text);
      first();
    });
    client.send('before');
    await gotFirst;
    transport.close(CloseCode.GoingAway, 'bye');
    // Sent before the client has read the close frame; the server reads them before the client's answer to it.
    for (let i = 0; i < 10; i++) client.send('after');
    const [code] = await once(client, 'close');
    expect(code).toBe(CloseCode.GoingAway);
    expect(texts).toEqual(['before']);
  });
});

describe('WsTransport writes', () => {
  /** Socket writes (syscalls) the transport makes for `count` messages of `size` sent in one tick. */
  async function writesFor(count: number, size: number) {
    const { transport, socket } = await pairWithStalledClient({ maxBufferedBytes: 16 * 1024 * 1024 });
    const writes = vi.spyOn(socket as unknown as { _writeGeneric: () => void }, '_writeGeneric');
    for (let i = 0; i < count; i++) transport.send(message(size));
    await nextTurn();
    return writes.mock.calls.length;
  }

  it('writes the small messages of a tick in one syscall', async () => {
    expect(await writesFor(64, 40)).toBe(1);
  });

  it('writes a tick of large messages in parts, so the reader can start on the first', async () => {
    // 64 KiB in all: held whole it would leave in one write, after the tick.
    const writes = await writesFor(64, 1024);
    expect(writes).toBeGreaterThanOrEqual(4);
    expect(writes).toBeLessThanOrEqual(5);
  });
});

describe('WsTransport over the Node server socket (ServerSocket)', () => {
  it('hands messages and the close to the transport with no listener on the socket', async () => {
    const { transport, client } = await pairWithStalledClient({}, true);
    client.resume();
    const texts: string[] = [];
    transport.onMessage((text) => texts.push(text));
    const closed = new Promise((resolve) => transport.onClose(resolve));
    expect(['message', 'close', 'error', 'ping', 'pong'].map((event) => transport.ws.listenerCount(event))).toEqual([
      0, 0, 0, 0, 0,
    ]);
    client.send('hello');
    client.close(CloseCode.Normal, 'done');
    await expect(closed).resolves.toEqual({ code: CloseCode.Normal, reason: 'done' });
    expect(texts).toEqual(['hello']);
  });

  it('answers pings, but not while the queue is past the limit: a client that floods pings and never reads', async () => {
    const limit = 64 * 1024;
    const { transport, client } = await pairWithStalledClient({ maxBufferedBytes: limit }, true);
    // The largest ping a control frame carries, so that the kernel's buffers fill in fewer.
    const payload = Buffer.alloc(125);
    let peak = 0;
    const round = async () => {
      for (let i = 0; i < 500; i++) client.ping(payload);
      await nextTurn();
      peak = Math.max(peak, transport.bufferedAmount);
    };
    // The kernel's buffers take megabytes of pongs first; the queue grows only once they are full.
    for (let rounds = 0; transport.bufferedAmount < limit && rounds < 1000; rounds++) await round();
    expect(transport.bufferedAmount).toBeGreaterThanOrEqual(limit);
    const queued = transport.bufferedAmount;
    for (let i = 0; i < 20; i++) await round();
    expect(transport.bufferedAmount).toBe(queued);
    expect(peak).toBeLessThan(limit + 2 + payload.length);
    expect(transport.ws.readyState).toBe(WebSocket.OPEN);
  });
});
