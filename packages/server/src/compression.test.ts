import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openRaw as open, useServers, type RawClient } from './test-support.js';

const start = useServers();

afterEach(() => {
  vi.restoreAllMocks();
});

type Client = RawClient;

/** The next message, as the test reads it. */
const next = async (client: Client): Promise<any> => client.next();

async function subscribe(client: Client, topic = 'news'): Promise<void> {
  client.send({ jsonrpc: '2.0', id: 1, method: 'rpc.subscribe', params: { name: 'topic', params: [topic] } });
  expect(typeof (await next(client)).result).toBe('string');
}

const big = (seq: number) => ({ seq, rows: Array.from({ length: 80 }, (_, i) => ({ i, name: `row ${i}`, ok: true })) });

async function serve() {
  const server = await start({ port: 0, perMessageDeflate: true });
  server.subscription('topic', (name: string) => server.topic(name));
  server.register('report', () => big(0));
  return server;
}

describe('perMessageDeflate', () => {
  it('compresses large responses for a client that offers it, and leaves others plain', async () => {
    const server = await serve();
    const deflating = await open(server.url);
    const plain = await open(server.url, { perMessageDeflate: false });
    expect(deflating.ws.extensions).toContain('permessage-deflate');
    expect(plain.ws.extensions).toBe('');
    for (const client of [deflating, plain]) client.send({ jsonrpc: '2.0', id: 7, method: 'report' });
    const size = Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', id: 7, result: big(0) }));
    const before = [deflating, plain].map((client) => (client.ws as unknown as { _socket: Socket })._socket.bytesRead);
    for (const client of [deflating, plain])
      expect(await next(client)).toEqual({ jsonrpc: '2.0', id: 7, result: big(0) });
    const read = [deflating, plain].map(
      (client, i) => (client.ws as unknown as { _socket: Socket })._socket.bytesRead - before[i]!,
    );
    expect(read[0]).toBeLessThan(size / 4);
    expect(read[1]).toBeGreaterThanOrEqual(size);
  });

  it('compresses each event once and writes the same frame to every subscriber that takes it', async () => {
    const server = await serve();
    const clients = await Promise.all(Array.from({ length: 6 }, () => open(server.url)));
    const plain = await open(server.url, { perMessageDeflate: false });
    for (const client of [...clients, plain]) await subscribe(client);
    const write = vi.spyOn(Socket.prototype, 'write');
    for (let seq = 1; seq <= 3; seq++) await server.publish('news', big(seq));
    for (const client of [...clients, plain]) {
      for (let seq = 1; seq <= 3; seq++) expect((await next(client)).params.result).toEqual(big(seq));
    }
    const frames = write.mock.calls.map(([chunk]) => chunk as Buffer).filter((chunk) => Buffer.isBuffer(chunk));
    const compressed = frames.filter((frame) => frame[0] === 0xc1);
    expect(compressed).toHaveLength(18);
    expect(new Set(compressed).size).toBe(3);
    expect(frames.filter((frame) => frame[0] === 0x81)).toHaveLength(3);
  });

  it('compresses per socket for a client that asks for a smaller window', async () => {
    const server = await serve();
    const small = await open(server.url, { perMessageDeflate: { serverMaxWindowBits: 10 } });
    const full = await open(server.url);
    for (const client of [small, full]) await subscribe(client);
    const write = vi.spyOn(Socket.prototype, 'write');
    await server.publish('news', big(1));
    for (const client of [small, full]) expect((await next(client)).params.result).toEqual(big(1));
    /** What the server wrote to the socket of `client`'s connection. */
    const writtenTo = (client: Client) => {
      const port = (client.ws as unknown as { _socket: Socket })._socket.localPort;
      return write.mock.calls
        .filter((_, i) => (write.mock.contexts[i] as Socket).remotePort === port)
        .map(([chunk]) => chunk as Buffer);
    };
    // The full-window client got the frame compressed once, whole; the other ws's own, per socket.
    const [shared] = writtenTo(full);
    expect(writtenTo(full)).toHaveLength(1);
    expect(shared![0]).toBe(0xc1);
    expect(writtenTo(small).length).toBeGreaterThan(0);
    expect(writtenTo(small)).not.toContain(shared);
  });

  it('sends a push after a response still being compressed', async () => {
    const server = await serve();
    server.register('reportThenPublish', () => {
      queueMicrotask(() => void server.publish('news', { after: 'the report' }));
      return big(0);
    });
    const client = await open(server.url);
    await subscribe(client);
    client.send({ jsonrpc: '2.0', id: 2, method: 'reportThenPublish' });
    expect(await next(client)).toEqual({ jsonrpc: '2.0', id: 2, result: big(0) });
    expect((await next(client)).params.result).toEqual({ after: 'the report' });
  });

  it('refuses a level outside 1 to 9', async () => {
    await expect(start({ port: 0, perMessageDeflate: { level: 12 } })).rejects.toThrow(
      'tether: perMessageDeflate.level must be an integer from 1 to 9, not 12',
    );
  });
});
