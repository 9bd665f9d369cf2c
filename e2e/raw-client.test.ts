import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RpcError } from '@tether/core';
import { createServer, type TetherServer } from '@tether/server';

/**
 * A JSON-RPC 2.0 client that knows nothing of Tether: a bare `ws` socket and hand-written
 * JSON, checking that the server speaks the specification and nothing else on the wire.
 */
class PlainClient {
  private readonly inbox: unknown[] = [];
  private readonly waiting: Array<(message: unknown) => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message: unknown = JSON.parse(String(data));
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.inbox.push(message);
    });
  }

  static async open(url: string): Promise<PlainClient> {
    const ws = new WebSocket(url);
    await once(ws, 'open');
    return new PlainClient(ws);
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  /** Sends text and returns the next message the server sends. */
  exchange(text: string): Promise<unknown> {
    this.sendText(text);
    return this.next();
  }

  next(): Promise<unknown> {
    if (this.inbox.length > 0) return Promise.resolve(this.inbox.shift());
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

type User = { name: string };
let server: TetherServer<User>;
let client: PlainClient;
const notified: unknown[] = [];

beforeEach(async () => {
  server = await createServer<User>({ port: 0, authenticate: () => ({ name: 'plain' }) });
  server.register('subtract', (a: number, b: number) => a - b);
  server.register('divide', ({ dividend, divisor }: { dividend: number; divisor: number }) => {
    if (divisor === 0) throw new RpcError(-32010, 'Division by zero', { dividend });
    return dividend / divisor;
  });
  server.register('whoami', function () {
    return this.data.name;
  });
  server.register('log', (line: string) => {
    notified.push(line);
  });
  server.register('crash', () => {
    throw new Error('internal detail');
  });
  // The crash is expected: heard here rather than logged.
  server.on('error', () => undefined);
  client = await PlainClient.open(server.url);
});

afterEach(async () => {
  client.ws.close();
  await server.close({ deadline: 0 });
  notified.length = 0;
});

describe('a plain JSON-RPC 2.0 client', () => {
  it('calls with positional and named params, and any id type', async () => {
    await expect(client.exchange('{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}')).resolves.toEqual({
      jsonrpc: '2.0',
      result: 19,
      id: 1,
    });
    await expect(
      client.exchange(
        '{"jsonrpc":"2.0","method":"divide","params":{"dividend":9,"divisor":3},"id":"a \\"quoted\\" id"}',
      ),
    ).resolves.toEqual({ jsonrpc: '2.0', result: 3, id: 'a "quoted" id' });
    await expect(client.exchange('{"jsonrpc":"2.0","method":"whoami","id":null}')).resolves.toEqual({
      jsonrpc: '2.0',
      result: 'plain',
      id: null,
    });
  });

  it('gets no response to a notification', async () => {
    client.sendText('{"jsonrpc":"2.0","method":"log","params":["hello"]}');
    // The next message answers the request sent after the notification: nothing came for the notification.
    await expect(client.exchange('{"jsonrpc":"2.0","method":"subtract","params":[2,1],"id":7}')).resolves.toMatchObject(
      { id: 7 },
    );
    expect(notified).toEqual(['hello']);
  });

  it('gets $/ping answered with result null, as any JSON-RPC client would', async () => {
    await expect(client.exchange('{"jsonrpc":"2.0","method":"$/ping","id":"alive?"}')).resolves.toEqual({
      jsonrpc: '2.0',
      id: 'alive?',
      result: null,
    });
  });

  it('receives the error objects the specification defines', async () => {
    await expect(client.exchange('{"jsonrpc":"2.0","method":"nope","id":1}')).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found: nope', data: { method: 'nope' } },
      id: 1,
    });
    await expect(client.exchange('{"jsonrpc":"2.0","method":"subtract","params":[1,')).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
    await expect(client.exchange('{"jsonrpc":"2.0","method":1,"params":"bar"}')).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
    await expect(client.exchange('[]')).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
    await expect(
      client.exchange('{"jsonrpc":"2.0","method":"divide","params":{"dividend":1,"divisor":0},"id":2}'),
    ).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32010, message: 'Division by zero', data: { dividend: 1 } },
      id: 2,
    });
    await expect(client.exchange('{"jsonrpc":"2.0","method":"crash","id":3}')).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal error' },
      id: 3,
    });
  });

  it('sends a batch and gets one array back, without entries for its notifications', async () => {
    const batch = `[
      {"jsonrpc":"2.0","method":"subtract","params":[1,2],"id":"1"},
      {"jsonrpc":"2.0","method":"log","params":["in a batch"]},
      {"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":"2"},
      {"foo":"boo"},
      {"jsonrpc":"2.0","method":"foo.get","params":{"name":"myself"},"id":"5"},
      1
    ]`;
    const reply = (await client.exchange(batch)) as Array<{ id: unknown }>;
    expect(reply).toHaveLength(5);
    expect(reply).toEqual(
      expect.arrayContaining([
        { jsonrpc: '2.0', result: -1, id: '1' },
        { jsonrpc: '2.0', result: 19, id: '2' },
        { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
        {
          jsonrpc: '2.0',
          error: { code: -32601, message: 'Method not found: foo.get', data: { method: 'foo.get' } },
          id: '5',
        },
      ]),
    );
    expect(reply.filter((r) => r.id === null)).toHaveLength(2);
    expect(notified).toEqual(['in a batch']);
  });

  it('gets nothing back for a batch of notifications only', async () => {
    client.sendText(
      '[{"jsonrpc":"2.0","method":"log","params":["a"]},{"jsonrpc":"2.0","method":"log","params":["b"]}]',
    );
    await expect(client.exchange('{"jsonrpc":"2.0","method":"subtract","params":[5,5],"id":9}')).resolves.toMatchObject(
      { id: 9, result: 0 },
    );
    expect(notified).toEqual(['a', 'b']);
  });

  it("receives the server's notifications and answers its requests", async () => {
    expect(server.broadcast('news', { headline: 'plain JSON' })).toBe(1);
    await expect(client.next()).resolves.toEqual({
      jsonrpc: '2.0',
      method: 'news',
      params: { headline: 'plain JSON' },
    });

    const [peer] = server.connections;
    const answer = peer!.call('client.echo', ['ping']);
    const request = (await client.next()) as { jsonrpc: string; id: unknown; method: string; params: unknown };
    expect(request).toMatchObject({ jsonrpc: '2.0', method: 'client.echo', params: ['ping'] });
    client.sendText(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: 'pong' }));
    await expect(answer).resolves.toBe('pong');

    const refused = peer!.call('client.nothing');
    const second = (await client.next()) as { id: unknown };
    client.sendText(
      JSON.stringify({ jsonrpc: '2.0', id: second.id, error: { code: -32601, message: 'Method not found' } }),
    );
    await expect(refused).rejects.toMatchObject({ code: -32601, message: 'Method not found' });
  });
});
