import { once } from 'node:events';
import { afterEach } from 'vitest';
import { Peer, type CloseInfo } from '@tether/core';
import { WebSocket, type ClientOptions } from 'ws';
import type { ServerOptions } from './options.js';
import { createServer, type TetherServer } from './server.js';
import { WsTransport } from './transport/ws-transport.js';

/** Returns a `start` for a test file's servers, each closed after its test. */
export function useServers() {
  const servers: TetherServer<any>[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close({ deadline: 0 })));
  });
  return async function start<Ctx = undefined>(options: ServerOptions<Ctx>): Promise<TetherServer<Ctx>> {
    const server = await createServer<Ctx>(options);
    servers.push(server);
    return server;
  };
}

/** A plain `ws` client that reads JSON messages in arrival order: the wire seen from outside. */
export interface RawClient {
  readonly ws: WebSocket;
  /** Sends a value as JSON text. */
  send(message: unknown): void;
  /** The next message received, parsed. */
  next(): Promise<unknown>;
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<CloseInfo>;
}

/** Opens a raw client and waits until it is open. */
export async function openRaw(url: string, options?: ClientOptions): Promise<RawClient> {
  const ws = new WebSocket(url, options);
  const inbox: unknown[] = [];
  const waiting: Array<(message: unknown) => void> = [];
  ws.on('message', (data) => {
    const message: unknown = JSON.parse(String(data));
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const closed = new Promise<CloseInfo>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) }));
  });
  await once(ws, 'open');
  return {
    ws,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    next: () => (inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((resolve) => waiting.push(resolve))),
  };
}

/** Opens a Tether peer over a `ws` client socket. */
export async function connectPeer<Ctx = unknown>(url: string): Promise<Peer<Ctx>> {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  return new Peer<Ctx>().attach(new WsTransport(ws));
}

/** Tries an upgrade that should be refused; resolves with the HTTP status and body. */
export function refusedUpgrade(url: string, options?: ClientOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('upgrade was accepted'));
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
