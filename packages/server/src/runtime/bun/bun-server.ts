import type { Peer } from '@tether/core';
import type { RuntimeServerOptions } from '../options.js';
import { PushedTransport, type PushedTransportOptions } from '../pushed-transport.js';
import { RuntimeServer, type Admitted } from '../runtime-server.js';

/** The part of Bun's ServerWebSocket the adapter uses; declared here so that no Bun types are needed to build. */
export interface BunWebSocket<Data> {
  /** What `server.upgrade` was given. */
  readonly data: Data;
  /** -1: queued behind backpressure; 0: dropped; otherwise the bytes sent. */
  send(message: string): number;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Ends the connection at once. */
  terminate(): void;
  /** Bytes queued and not yet sent. */
  getBufferedAmount(): number;
}

/** An address as Bun's `requestIP` gives it. */
export interface BunSocketAddress {
  /** The IP address. */
  readonly address: string;
}

/** The part of Bun's Server the adapter uses. */
export interface BunServerHandle {
  /** Upgrades the request to a WebSocket carrying `data`; false if it could not. */
  upgrade(request: Request, options: { data: unknown }): boolean;
  /** The client's address. */
  requestIP(request: Request): BunSocketAddress | null;
}

/** What each Bun socket carries: its admission until it opens, then its transport. */
export interface SocketData<Ctx> {
  /** The handshake and context from `admit`. */
  readonly admitted: Admitted<Ctx>;
  /** Set once the socket is open. */
  transport?: BunTransport;
}

/** Bun's `websocket` option: the handlers, and the limits Bun enforces itself. */
export interface BunWebSocketHandler<Ctx> {
  /** The server's `maxPayload`: Bun closes the connection with 1009 past it. */
  maxPayloadLength: number;
  /** The server's `maxBufferedBytes`: past it Bun's `send` returns -1. */
  backpressureLimit: number;
  /** false: the backpressure policy decides, not Bun. */
  closeOnBackpressureLimit: boolean;
  /** The heartbeat: seconds of silence, pings included, before Bun closes. */
  idleTimeout: number;
  /** true: Bun pings idle connections itself. */
  sendPings: boolean;
  /** false, as on Node. */
  perMessageDeflate: boolean;
  /** A socket opened: its peer is made. */
  open(ws: BunWebSocket<SocketData<Ctx>>): void;
  /** A message arrived. */
  message(ws: BunWebSocket<SocketData<Ctx>>, message: string | Uint8Array): void;
  /** The socket's queue emptied: the reader caught up. */
  drain(ws: BunWebSocket<SocketData<Ctx>>): void;
  /** The socket closed. */
  close(ws: BunWebSocket<SocketData<Ctx>>, code: number, reason: string): void;
}

/** Options of a Tether server on Bun. */
export interface BunServerOptions<Ctx> extends RuntimeServerOptions<Ctx> {
  /** Seconds without a frame (Bun pings meanwhile) after which Bun closes the connection. Default 120, Bun's own. */
  idleTimeout?: number;
}

/** A transport over Bun's native WebSocket, whose `send` return and `drain` handler are the backpressure signal. */
class BunTransport extends PushedTransport {
  private congested = false;

  constructor(
    private readonly ws: BunWebSocket<SocketData<unknown>>,
    options: PushedTransportOptions,
  ) {
    super(options);
  }

  /** Bun's `drain`: the queue emptied. */
  drained(): void {
    this.congested = false;
  }

  protected write(message: string): boolean {
    const result = this.ws.send(message);
    if (result === -1) this.congested = true;
    return result !== 0;
  }

  protected slow(): boolean {
    return this.congested;
  }

  protected override bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/**
 * A Tether server on `Bun.serve`: pass its `fetch` and `websocket` to Bun, or call `fetch`
 * from your own for the WebSocket path. Made by `createBunServer`.
 */
export class BunTetherServer<Ctx = undefined> extends RuntimeServer<Ctx> {
  /** Bun's websocket handler object, with the limits that Bun enforces itself. */
  readonly websocket: BunWebSocketHandler<Ctx>;

  constructor(options: BunServerOptions<Ctx> = {}) {
    super(options);
    const { maxPayload, maxBufferedBytes } = this.settings;
    this.websocket = {
      maxPayloadLength: maxPayload,
      backpressureLimit: maxBufferedBytes,
      closeOnBackpressureLimit: false,
      idleTimeout: options.idleTimeout ?? 120,
      sendPings: true,
      perMessageDeflate: false,
      open: (ws) => this.opened(ws),
      message: (ws, message) => ws.data.transport?.deliver(message),
      drain: (ws) => ws.data.transport?.drained(),
      close: (ws, code, reason) => ws.data.transport?.end({ code, reason }),
    };
  }

  /** Bun's fetch handler: upgrades an admitted request (resolving undefined, as Bun wants), or answers the refusal. */
  readonly fetch = async (request: Request, server: BunServerHandle): Promise<Response | undefined> => {
    const admitted = await this.admit(request, server.requestIP(request)?.address);
    if (admitted instanceof Response) return admitted;
    if (server.upgrade(request, { data: { admitted } satisfies SocketData<Ctx> })) return undefined;
    return new Response('WebSocket upgrade failed', { status: 400 });
  };

  private opened(ws: BunWebSocket<SocketData<Ctx>>): void {
    // Backpressure events name the peer, which is made once its transport exists.
    let peer: Peer<Ctx> | undefined;
    const transport = new BunTransport(ws as BunWebSocket<SocketData<unknown>>, {
      maxPayload: this.settings.maxPayload,
      maxBufferedBytes: this.settings.maxBufferedBytes,
      backpressure: this.settings.backpressure,
      onBackpressure: (event) => this.emit('backpressure', peer!, event),
    });
    ws.data.transport = transport;
    peer = this.accept(transport, ws.data.admitted);
  }
}

/** Makes a Tether server for `Bun.serve({ fetch: server.fetch, websocket: server.websocket })`. */
export function createBunServer<Ctx = undefined>(options: BunServerOptions<Ctx> = {}): BunTetherServer<Ctx> {
  return new BunTetherServer<Ctx>(options);
}
