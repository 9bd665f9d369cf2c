import { describe, expect, it } from 'vitest';
import { ErrorCode, type ErrorObject } from './errors.js';
import { Peer } from './peer.js';
import type { CloseInfo, SendOptions, Transport } from './transport.js';

/** A transport whose queue is over its limit while `full`: it refuses results and records what it sent. */
class FullTransport implements Transport {
  full = true;
  readonly sent: unknown[] = [];
  #listener: ((message: string) => void) | undefined;

  send(message: string, options?: SendOptions): boolean {
    if (this.full && options?.refusable) return false;
    this.sent.push(JSON.parse(message));
    return true;
  }
  refusal(method: string): ErrorObject {
    return { code: ErrorCode.Overloaded, message: `Response to ${method} not sent`, data: { method } };
  }
  onMessage(listener: (message: string) => void): void {
    this.#listener = listener;
  }
  onClose(_listener: (info: CloseInfo) => void): void {}
  close(): void {}
  receive(message: unknown): void {
    this.#listener?.(JSON.stringify(message));
  }
}

const refusal = (id: number, method: string) => ({
  jsonrpc: '2.0',
  id,
  error: { code: ErrorCode.Overloaded, message: `Response to ${method} not sent`, data: { method } },
});

function serve() {
  const transport = new FullTransport();
  const peer = new Peer();
  peer.service.register('sync', () => 'x'.repeat(100));
  peer.service.register('later', async () => 'y'.repeat(100));
  peer.service.register('fails', async () => {
    throw new Error('no');
  });
  peer.on('handlerError', () => {});
  peer.attach(transport);
  return { transport, peer };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('a result the transport refuses', () => {
  it('is replaced by the error the transport gives, for sync and async handlers alike', async () => {
    const { transport } = serve();
    transport.receive({ jsonrpc: '2.0', id: 1, method: 'sync' });
    transport.receive({ jsonrpc: '2.0', id: 2, method: 'later' });
    await settled();
    expect(transport.sent).toEqual([refusal(1, 'sync'), refusal(2, 'later')]);
  });

  it('goes out when the queue has room, and errors are never refused', async () => {
    const { transport } = serve();
    transport.receive({ jsonrpc: '2.0', id: 1, method: 'fails' });
    await settled();
    transport.full = false;
    transport.receive({ jsonrpc: '2.0', id: 2, method: 'later' });
    await settled();
    expect(transport.sent).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: ErrorCode.InternalError, message: 'Internal error' } },
      { jsonrpc: '2.0', id: 2, result: 'y'.repeat(100) },
    ]);
  });

  it('in a batch, has each of its results replaced and its errors kept, in one array', async () => {
    const { transport } = serve();
    transport.receive([
      { jsonrpc: '2.0', id: 1, method: 'sync' },
      { jsonrpc: '2.0', id: 2, method: 'missing' },
      { jsonrpc: '2.0', method: 'later' },
      { jsonrpc: '2.0', id: 3, method: 'later' },
    ]);
    await settled();
    expect(transport.sent).toEqual([
      [
        refusal(1, 'sync'),
        {
          jsonrpc: '2.0',
          id: 2,
          error: { code: ErrorCode.MethodNotFound, message: 'Method not found: missing', data: { method: 'missing' } },
        },
        refusal(3, 'later'),
      ],
    ]);
  });

  it('is never assumed of a transport without `refusal`, whose false says only that it could not send', async () => {
    const sent: string[] = [];
    const transport: Transport = {
      send: (message) => (sent.push(message), false),
      onMessage: (listener) =>
        queueMicrotask(() => listener(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'later' }))),
      onClose: () => {},
      close: () => {},
    };
    const peer = new Peer();
    peer.service.register('later', async () => 'y');
    peer.attach(transport);
    await settled();
    await settled();
    expect(sent.map((message) => JSON.parse(message))).toEqual([{ jsonrpc: '2.0', id: 1, result: 'y' }]);
  });
});
