import type { RuntimeServerOptions } from '../options.js';
import { PushedTransport, type PushedTransportOptions } from '../pushed-transport.js';
import { RuntimeServer } from '../runtime-server.js';

/** The part of a workerd WebSocket the adapter uses; declared here so that no Workers types are needed to build. */
export interface WorkerWebSocket {
  /** Queues a text frame; throws once the socket is closed. */
  send(message: string): void;
  /** Starts (or, after the client's close, completes) the closing handshake. */
  close(code?: number, reason?: string): void;
}

/** The part of a Durable Object's state the adapter uses: the hibernation API. */
export interface DurableObjectStateLike {
  /** Takes a socket's events into the object's `webSocket*` methods, so that the object may hibernate. */
  acceptWebSocket(socket: WorkerWebSocket): void;
}

/** A close code of the Service Restart kind: what a socket left over from before an eviction is closed with. */
const SERVICE_RESTART = 1012;

/**
 * A transport over a hibernatable workerd WebSocket. workerd gives no backpressure signal
 * (it buffers what is sent), so nothing is ever dropped here.
 */
class WorkerTransport extends PushedTransport {
  constructor(
    private readonly socket: WorkerWebSocket,
    options: PushedTransportOptions,
  ) {
    super(options);
  }

  protected write(message: string): boolean {
    try {
      this.socket.send(message);
      return true;
    } catch {
      return false; // the socket closed under us; its close event follows
    }
  }

  protected slow(): boolean {
    return false;
  }

  close(code?: number, reason?: string): void {
    try {
      this.socket.close(code, reason);
    } catch {
      // already closed
    }
  }

  terminate(): void {
    this.close(1001, 'server shutting down');
    this.end({ code: 1006, reason: 'terminated' });
  }
}

/**
 * The base of a Durable Object that serves Tether over hibernatable WebSockets: its `fetch`
 * takes upgrades (route them to it from the Worker), and workerd calls `webSocketMessage` and
 * `webSocketClose`. Nothing holds a timer while idle. Peers live in memory: after an eviction
 * a socket from before it is closed with 1012, so its client reconnects and resubscribes
 * (resuming, or told of the gap) instead of calling a peer that is gone.
 */
export class TetherDurableObject<Ctx = undefined> {
  /** The server: register methods and subscriptions on it in the subclass's constructor. */
  readonly server: RuntimeServer<Ctx>;
  private readonly transports = new Map<WorkerWebSocket, WorkerTransport>();

  constructor(
    private readonly state: DurableObjectStateLike,
    options: RuntimeServerOptions<Ctx> = {},
  ) {
    this.server = new RuntimeServer<Ctx>(options);
  }

  /** Takes an upgrade request: the refusal Response, or the 101 with the client's end of a WebSocketPair. */
  async fetch(request: Request): Promise<Response> {
    const server = this.server;
    const admitted = await server.admit(request, request.headers.get('cf-connecting-ip') ?? undefined);
    if (admitted instanceof Response) return admitted;
    const Pair = (globalThis as unknown as { WebSocketPair: new () => Record<0 | 1, WorkerWebSocket> }).WebSocketPair;
    const pair = new Pair();
    const socket = pair[1];
    this.state.acceptWebSocket(socket);
    const transport = new WorkerTransport(socket, {
      maxPayload: server.settings.maxPayload,
      maxBufferedBytes: server.settings.maxBufferedBytes,
      backpressure: server.settings.backpressure,
      onBackpressure: () => {}, // never called: workerd gives no signal of a slow reader
    });
    this.transports.set(socket, transport);
    server.accept(transport, admitted);
    return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
  }

  /** workerd: a message arrived on a socket accepted by this object (or by its instance before an eviction). */
  webSocketMessage(socket: WorkerWebSocket, message: string | ArrayBuffer): void {
    const transport = this.transports.get(socket);
    if (transport) transport.deliver(message);
    else socket.close(SERVICE_RESTART, 'tether: the durable object restarted; reconnect');
  }

  /** workerd: the client closed a socket. */
  webSocketClose(socket: WorkerWebSocket, code: number, reason: string): void {
    this.transports.get(socket)?.end({ code, reason });
    this.transports.delete(socket);
    // Completes the closing handshake, which a hibernatable socket leaves to us: without it
    // the client waits for its close timeout. 1005 and 1006 are never sent on the wire.
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  /** workerd: a socket failed. */
  webSocketError(socket: WorkerWebSocket, error: unknown): void {
    this.transports.get(socket)?.end({ code: 1006, reason: String(error) });
    this.transports.delete(socket);
  }
}
