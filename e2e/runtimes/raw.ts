import { once } from 'node:events';
import WebSocket from 'ws';

/** A plain `ws` client reading messages in arrival order: the wire as any JSON-RPC client sees it. */
export interface Raw {
  send(text: string): void;
  /** The next message, parsed. */
  next(): Promise<unknown>;
  /** Sends one text and resolves with the answer. */
  exchange(text: string): Promise<unknown>;
  /** Resolves with the close code once the connection has closed. */
  readonly closed: Promise<number>;
  close(): Promise<void>;
  /** Stops reading from the socket: a client that does not read. */
  pause(): void;
  /** Drops the connection without a closing handshake. */
  terminate(): void;
}

export async function openRaw(url: string): Promise<Raw> {
  const ws = new WebSocket(url);
  const inbox: unknown[] = [];
  const waiting: Array<(message: unknown) => void> = [];
  ws.on('message', (data) => {
    const message: unknown = JSON.parse(String(data));
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await once(ws, 'open');
  const next = () =>
    inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((resolve) => waiting.push(resolve));
  return {
    send: (text) => ws.send(text),
    next,
    exchange(text) {
      ws.send(text);
      return next();
    },
    closed,
    pause: () => ws.pause(),
    terminate: () => ws.terminate(),
    async close() {
      ws.close();
      await closed;
    },
  };
}

/** Tries an upgrade that should be refused; resolves with the HTTP status and body. */
export function refusedUpgrade(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.terminate();
      reject(new Error(`the upgrade of ${url} was accepted`));
    });
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}
