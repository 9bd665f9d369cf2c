import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type ServerOptions } from 'ws';
import { frameDeflated, frameText } from './frame.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A ws client, and the raw TCP socket of its connection on a ws server, to write frames to. */
async function pair(options: ServerOptions = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await once(wss, 'listening');
  const accepted = once(wss, 'connection') as Promise<[WebSocket, { socket: Socket }]>;
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  closers.push(() => {
    client.terminate();
    wss.close();
  });
  await once(client, 'open');
  const [ws, request] = await accepted;
  return { client, ws, socket: request.socket };
}

/** Resolves with the first `count` texts the client receives. */
function receive(client: WebSocket, count: number): Promise<string[]> {
  const received: string[] = [];
  return new Promise((resolve) =>
    client.on('message', (data, binary) => {
      expect(binary).toBe(false);
      if (received.push(String(data)) === count) resolve(received);
    }),
  );
}

// 7-bit, 16-bit and 64-bit payload lengths, and multi-byte UTF-8 counted in bytes, not characters.
const texts = ['', 'é'.repeat(62) + 'x', 'a'.repeat(125), 'b'.repeat(126), 'ü'.repeat(40_000), 'c'.repeat(70_000)];

describe('frameText', () => {
  it('makes frames ws reads back as the same text, at every length encoding', async () => {
    const { client, socket } = await pair();
    const all = receive(client, texts.length + 1);
    for (const text of texts) socket.write(frameText(text));
    socket.write(frameText(Buffer.from('{"from":"bytes"}')));
    expect(await all).toEqual([...texts, '{"from":"bytes"}']);
  });
});

describe('frameDeflated', () => {
  it('makes compressed frames a permessage-deflate client inflates, between plain ones', async () => {
    const { client, ws, socket } = await pair({ perMessageDeflate: { serverNoContextTakeover: true } });
    expect(ws.extensions).toContain('permessage-deflate');
    const all = receive(client, 2 * texts.length);
    for (const text of texts) {
      socket.write(frameDeflated(text, 6));
      socket.write(frameText(text));
    }
    expect(await all).toEqual(texts.flatMap((text) => [text, text]));
    expect(frameDeflated('c'.repeat(70_000), 6).length).toBeLessThan(1000);
  });
});
