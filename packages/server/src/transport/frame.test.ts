import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { frameText } from './frame.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe('frameText', () => {
  it('makes frames ws reads back as the same text, at every length encoding', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const accepted = once(wss, 'connection') as Promise<[WebSocket, { socket: import('node:net').Socket }]>;
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    closers.push(() => {
      client.terminate();
      wss.close();
    });
    await once(client, 'open');
    const [, request] = await accepted;
    // 7-bit, 16-bit and 64-bit payload lengths, and multi-byte UTF-8 counted in bytes, not characters.
    const texts = ['', 'é'.repeat(62) + 'x', 'a'.repeat(125), 'b'.repeat(126), 'ü'.repeat(40_000), 'c'.repeat(70_000)];
    const received: string[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('message', (data, binary) => {
        expect(binary).toBe(false);
        if (received.push(String(data)) === texts.length + 1) resolve();
      }),
    );
    for (const text of texts) request.socket.write(frameText(text));
    request.socket.write(frameText(Buffer.from('{"from":"bytes"}')));
    await all;
    expect(received).toEqual([...texts, '{"from":"bytes"}']);
  });
});
