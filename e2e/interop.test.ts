import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  JSONRPCClient,
  JSONRPCErrorException,
  JSONRPCServer,
  JSONRPCServerAndClient,
  type JSONRPCResponse,
} from 'json-rpc-2.0';
import { Peer, RpcError } from '@tether/core';
import { createServer, WsTransport, type TetherServer } from '@tether/server';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tetherServer(): Promise<TetherServer> {
  const server = await createServer({ port: 0 });
  server.serve({
    math: {
      add: (a: number, b: number) => a + b,
      divide: ({ a, b }: { a: number; b: number }) => {
        if (b === 0) throw new RpcError(-32010, 'Division by zero', { a });
        return a / b;
      },
    },
  });
  cleanups.push(() => server.close({ deadline: 0 }));
  return server;
}

async function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  cleanups.push(() => ws.close());
  return ws;
}

describe('json-rpc-2.0 client → Tether server', () => {
  async function jsonRpcClient(url: string) {
    const ws = await openSocket(url);
    const client = new JSONRPCClient((payload) => ws.send(JSON.stringify(payload)));
    ws.on('message', (data) => client.receive(JSON.parse(String(data)) as JSONRPCResponse | JSONRPCResponse[]));
    return client;
  }

  it('calls methods and gets results', async () => {
    const server = await tetherServer();
    const client = await jsonRpcClient(server.url);
    await expect(client.request('math.add', [2, 3])).resolves.toBe(5);
    await expect(client.request('math.divide', { a: 9, b: 3 })).resolves.toBe(3);
  });

  it('gets errors with their code, message and data', async () => {
    const server = await tetherServer();
    const client = await jsonRpcClient(server.url);
    const failure = client.request('math.divide', { a: 1, b: 0 });
    await expect(failure).rejects.toBeInstanceOf(JSONRPCErrorException);
    await expect(failure).rejects.toMatchObject({ code: -32010, message: 'Division by zero', data: { a: 1 } });
    await expect(client.request('math.missing', [])).rejects.toMatchObject({ code: -32601 });
  });

  it('sends a batch through requestAdvanced', async () => {
    const server = await tetherServer();
    const client = await jsonRpcClient(server.url);
    const responses = await client.requestAdvanced([
      { jsonrpc: '2.0', id: 1, method: 'math.add', params: [1, 1] },
      { jsonrpc: '2.0', id: 2, method: 'math.add', params: [2, 2] },
    ]);
    expect(responses).toEqual(
      expect.arrayContaining([
        { jsonrpc: '2.0', id: 1, result: 2 },
        { jsonrpc: '2.0', id: 2, result: 4 },
      ]),
    );
  });

  it('serves the Tether server’s calls and notifications as a JSONRPCServerAndClient', async () => {
    const server = await tetherServer();
    const connected = once(server, 'connect');
    const ws = await openSocket(server.url);
    const notes: unknown[] = [];
    const both = new JSONRPCServerAndClient(
      new JSONRPCServer(),
      new JSONRPCClient((payload) => ws.send(JSON.stringify(payload))),
    );
    both.addMethod('ui.confirm', ({ question }: { question: string }) => question.endsWith('?'));
    both.addMethod('news', (params) => {
      notes.push(params);
    });
    ws.on('message', (data) => void both.receiveAndSend(JSON.parse(String(data)) as never));
    const [peer] = (await connected) as [Peer];

    await expect(peer.call('ui.confirm', { question: 'really?' })).resolves.toBe(true);
    await expect(peer.call('ui.missing')).rejects.toMatchObject({ code: -32601 });
    server.broadcast('news', { headline: 'interop' });
    await expect(both.request('math.add', [20, 22])).resolves.toBe(42);
    expect(notes).toEqual([{ headline: 'interop' }]);
  });
});

describe('Tether peer → json-rpc-2.0 server', () => {
  async function jsonRpcServer() {
    // Its default error listener logs every thrown error, expected ones included.
    const rpc = new JSONRPCServer({ errorListener: () => {} });
    rpc.addMethod('echo', (params) => params);
    rpc.addMethod('sum', (numbers) => (numbers as number[]).reduce((a, b) => a + b, 0));
    rpc.addMethod('fail', () => {
      throw new JSONRPCErrorException('Not allowed', 4003, { reason: 'test' });
    });
    const seen: string[] = [];
    rpc.addMethod('record', (params) => {
      seen.push((params as string[])[0]!);
    });
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    wss.on('connection', (ws) => {
      ws.on('message', async (data) => {
        const response = await rpc.receiveJSON(String(data));
        if (response) ws.send(JSON.stringify(response));
      });
    });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, seen };
  }

  async function tetherPeer(url: string): Promise<Peer> {
    const peer = new Peer().attach(new WsTransport(await openSocket(url)));
    cleanups.push(() => peer.close());
    return peer;
  }

  it('calls methods with positional and named params, through the typed proxy too', async () => {
    const { url } = await jsonRpcServer();
    const peer = await tetherPeer(url);
    await expect(peer.call('sum', [1, 2, 3])).resolves.toBe(6);
    await expect(peer.call('echo', { a: 1 })).resolves.toEqual({ a: 1 });
    await expect(peer.remote<{ sum(...n: number[]): number }>().sum(4, 5)).resolves.toBe(9);
  });

  it('gets its errors as RpcError with code, message and data', async () => {
    const { url } = await jsonRpcServer();
    const peer = await tetherPeer(url);
    const failure = peer.call('fail');
    await expect(failure).rejects.toBeInstanceOf(RpcError);
    await expect(failure).rejects.toMatchObject({ code: 4003, message: 'Not allowed', data: { reason: 'test' } });
    await expect(peer.call('missing')).rejects.toMatchObject({ code: -32601 });
  });

  it('sends notifications and batches', async () => {
    const { url, seen } = await jsonRpcServer();
    const peer = await tetherPeer(url);
    expect(peer.notify('record', ['first'])).toBe(true);
    const results = await peer.batch([
      { method: 'sum', params: [1, 1] },
      { method: 'record', params: ['in batch'], notification: true },
      { method: 'fail' },
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 4003 } });
    expect(seen).toEqual(['first', 'in batch']);
  });
});
