import type { Peer } from '@tether/core';
import type { RuntimeServerOptions } from '../options.js';
import { PushedTransport, type PushedTransportOptions } from '../pushed-transport.js';
import { RuntimeServer } from '../runtime-server.js';

/** The part of a standard (WHATWG) server-side WebSocket the Deno adapter uses. */
export interface StandardWebSocket {
  /** 1 while open. */
  readonly readyState: number;
  /** Bytes queued and not yet sent: the only backpressure signal. */
  readonly bufferedAmount: number;
  /** Queues a text frame. */
  send(message: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Listens for the socket's events. */
  addEventListener(
    type: 'open' | 'close' | 'message',
    listener: (event: { data?: unknown; code?: number; reason?: string }) => void,
  ): void;
}

/** The part of the `Deno` namespace the adapter uses; declared here so that no Deno types are needed to build. */
interface DenoUpgrade {
  upgradeWebSocket(
    request: Request,
    options?: { idleTimeout?: number },
  ): { socket: StandardWebSocket; response: Response };
}

/** An address as `Deno.serve` gives it. */
export interface DenoNetAddr {
  /** The IP address. */
  readonly hostname?: string;
}

/** What `Deno.serve` hands a handler beside the request. */
export interface DenoServeInfo {
  /** The client's address. */
  readonly remoteAddr?: DenoNetAddr;
}

/** Options of a Tether server on Deno. */
export interface DenoServerOptions<Ctx> extends RuntimeServerOptions<Ctx> {
  /** Seconds Deno waits for a pong to its pings before closing the connection; 0 disables. Default 120, Deno's own. */
  idleTimeout?: number;
}

const OPEN = 1;

/** A transport over Deno's standard WebSocket, whose only backpressure signal is `bufferedAmount`. */
class DenoTransport extends PushedTransport {
  constructor(
    private readonly socket: StandardWebSocket,
    private readonly maxBufferedBytes: number,
    options: PushedTransportOptions,
  ) {
    super(options);
  }

  protected write(message: string): boolean {
    if (this.socket.readyState !== OPEN) return false;
    this.socket.send(message);
    return true;
  }

  protected slow(): boolean {
    return this.socket.bufferedAmount >= this.maxBufferedBytes;
  }

  protected override bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  /** A standard WebSocket cannot be cut off: close it, and let the peer go at once rather than wait for the answer. */
  terminate(): void {
    this.socket.close();
    this.end({ code: 1006, reason: 'terminated' });
  }
}

/** A Tether server on `Deno.serve`: pass its `fetch` as the handler, or call it for the WebSocket path. Made by `createDenoServer`. */
export class DenoTetherServer<Ctx = undefined> extends RuntimeServer<Ctx> {
  private readonly idleTimeout: number;

  constructor(options: DenoServerOptions<Ctx> = {}) {
    super(options);
    this.idleTimeout = options.idleTimeout ?? 120;
  }

  /** The `Deno.serve` handler: upgrades an admitted request with `Deno.upgradeWebSocket`, or answers the refusal. */
  readonly fetch = async (request: Request, info?: DenoServeInfo): Promise<Response> => {
    const admitted = await this.admit(request, info?.remoteAddr?.hostname);
    if (admitted instanceof Response) return admitted;
    const deno = (globalThis as unknown as { Deno: DenoUpgrade }).Deno;
    const { socket, response } = deno.upgradeWebSocket(request, { idleTimeout: this.idleTimeout });
    const { maxPayload, backpressure, maxBufferedBytes } = this.settings;
    let peer: Peer<Ctx> | undefined;
    const transport = new DenoTransport(socket, maxBufferedBytes, {
      maxPayload,
      maxBufferedBytes,
      backpressure,
      onBackpressure: (event) => this.emit('backpressure', peer!, event),
    });
    socket.addEventListener('open', () => {
      peer = this.accept(transport, admitted);
    });
    socket.addEventListener('message', (event) => transport.deliver(event.data as string | ArrayBuffer));
    socket.addEventListener('close', (event) =>
      transport.end({ code: event.code ?? 1005, reason: event.reason ?? '' }),
    );
    return response;
  };
}

/** Makes a Tether server for `Deno.serve(options, server.fetch)`. */
export function createDenoServer<Ctx = undefined>(options: DenoServerOptions<Ctx> = {}): DenoTetherServer<Ctx> {
  return new DenoTetherServer<Ctx>(options);
}
