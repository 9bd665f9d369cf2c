import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ErrorCode } from '@tether/core';
import { HttpError } from '@tether/server';
import { startTestServer } from '@tether/server/testing';
import { connect } from '../client.js';

describe('the Node socket (ws)', () => {
  it('calls the server and serves its calls', async () => {
    await using test = await startTestServer();
    test.server.register('add', (a: number, b: number) => a + b);
    await using client = connect(test.url).register('whoami', () => 'node client');
    await expect(client.call('add', [2, 3])).resolves.toBe(5);
    const [peer] = test.server.connections;
    await expect(peer?.call('whoami')).resolves.toBe('node client');
  });

  it('stops reconnecting when the upgrade is refused with 401, naming the status', async () => {
    await using test = await startTestServer({
      authenticate: () => {
        throw new HttpError(401);
      },
    });
    const client = connect(test.url);
    const closed = new Promise((resolve) => client.once('closed', resolve));
    await expect(closed).resolves.toMatchObject({
      why: 'refused',
      reason: `refused: cannot connect to ${test.url}: the upgrade was refused with HTTP 401; check the credentials`,
      disconnect: { code: 1006, status: 401 },
    });
    await expect(client.call('x')).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
  });

  it('keeps retrying a port where nothing listens yet, and connects once a server does', async () => {
    const probe = await startTestServer();
    const port = probe.port;
    await probe.drop();
    await using client = connect(`ws://127.0.0.1:${port}`, { reconnect: { baseDelay: 20, maxDelay: 50 } });
    const answer = client.call('ping');
    await new Promise((resolve) => client.once('reconnecting', resolve));
    await using again = await startTestServer({ port });
    again.server.register('ping', () => 'pong');
    await expect(answer).resolves.toBe('pong');
  });

  it('sends whole masked frames that a plain ws server reads back, each under its own key', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const received: string[] = [];
    const raw: Buffer[] = [];
    const texts = ['x', 'é'.repeat(70), 'y'.repeat(300), 'ü'.repeat(40_000), 'same', 'same'];
    const all = new Promise<void>((resolve) =>
      wss.on('connection', (ws, request) => {
        (request.socket as Socket).on('data', (chunk: Buffer) => raw.push(chunk));
        // ws closes with 1002 on a client frame that is not masked: arriving proves the mask.
        ws.on('message', (data) => {
          if (received.push(String(data)) === texts.length) resolve();
        });
      }),
    );
    const client = connect(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    await client.opened();
    for (const text of texts) client.notify('say', [text]);
    await all;
    expect(received.map((text) => (JSON.parse(text) as { params: string[] }).params[0])).toEqual(texts);
    // The two frames of the same text differ on the wire: a fresh masking key for each.
    const wire = Buffer.concat(raw);
    const frame = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'say', params: ['same'] }));
    const tail = wire.subarray(wire.length - 2 * (frame.length + 6));
    expect(tail.subarray(0, frame.length + 6).equals(tail.subarray(frame.length + 6))).toBe(false);
    await client.close();
    wss.close();
  });
});
