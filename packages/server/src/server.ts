import { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { attachServer, installServerApi, type ServerApi, type ServerParts } from './acceptor/server-base.js';
import { closeHttpServer, listen } from './http-server.js';
import type { HandshakeRequest } from './handshake/request.js';
import { Upgrades } from './handshake/upgrades.js';
import { resolveSettings, type ServerOptions, type Settings } from './options.js';
import type { ServerEvents } from './server-events.js';
import type { Compression } from './transport/frame.js';
import type { BackpressureEvent } from './transport/backpressure.js';
import { WsTransport } from './transport/ws-transport.js';

/** TetherServer has every member of ServerApi: the methods every runtime's server shares. */
export interface TetherServer<Ctx = undefined> extends ServerApi<Ctx> {}

/**
 * A Tether server: one shared Service of methods, and one Peer per WebSocket connection,
 * through which it can also call each client. Made by `createServer`. Its methods, topics,
 * presence and shutdown are the ServerApi every runtime's server shares; this class adds
 * Node's HTTP server, `ws` and the heartbeat.
 */
export class TetherServer<Ctx = undefined> extends EventEmitter<ServerEvents<Ctx>> implements AsyncDisposable {
  private readonly parts: ServerParts<Ctx, HandshakeRequest, WsTransport>;
  private readonly settings: Settings<Ctx>;
  private readonly upgrades: Upgrades<Ctx>;
  private readonly heartbeat: ReturnType<typeof setInterval> | undefined;
  /** One listener for every transport rather than a closure each: the acceptor finds the peer by its transport. */
  private readonly backpressured = (event: BackpressureEvent, transport: WsTransport): void => {
    const peer = this.parts.acceptor.live.get(transport);
    if (peer) this.emit('backpressure', peer, event);
  };

  /** @internal Use `createServer`. */
  constructor(
    options: ServerOptions<Ctx>,
    /** The HTTP server upgrades arrive on. */
    readonly httpServer: HttpServer,
    private readonly ownsHttpServer: boolean,
  ) {
    super();
    this.settings = resolveSettings(options);
    this.parts = attachServer<Ctx, HandshakeRequest, WsTransport>(this, options, this.settings, {
      emit: (event, ...args) => this.emit(event, ...(args as never)),
      listenerCount: (event) => this.listenerCount(event),
      pushTo: (message) => {
        // The same buffer written to every socket: converted once per broadcast.
        const frame = Buffer.from(message);
        return (transport) => transport.sendEncoded(frame, true);
      },
      stopListening: () => (this.ownsHttpServer ? closeHttpServer(this.httpServer) : Promise.resolve()),
      connectionsClosed: () => {
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.httpServer.off('upgrade', this.upgrades.listener);
        this.upgrades.abort();
      },
    });
    this.upgrades = new Upgrades<Ctx>({
      settings: this.settings,
      ownsHttpServer,
      upgradeListeners: () => httpServer.listenerCount('upgrade'),
      refusal: (handshaking, admitted) => this.parts.acceptor.refusal(handshaking, admitted),
      open: (ws, socket, request, data, shared) => this.open(ws, socket, request, data, shared),
      report: (error) => this.parts.report(error, undefined),
    });
    httpServer.on('upgrade', this.upgrades.listener);
    if (this.settings.heartbeatInterval > 0) {
      this.heartbeat = setInterval(() => this.beat(), this.settings.heartbeatInterval).unref();
    }
  }

  /** The port the HTTP server listens on. */
  get port(): number {
    return this.address().port;
  }

  /** A URL clients on this machine can connect to: `ws://127.0.0.1:<port>/<path>`. */
  get url(): string {
    const { address, family, port } = this.address();
    const host = family === 'IPv6' ? `[${address}]` : address;
    return `ws://${host}:${port}${this.settings.path ?? '/'}`;
  }

  private address(): AddressInfo {
    const address = this.httpServer.address();
    if (address === null || typeof address === 'string') {
      throw new Error('tether: the HTTP server is not listening on a TCP port');
    }
    return address;
  }

  private open(
    ws: WebSocket,
    socket: Socket,
    request: HandshakeRequest,
    data: Ctx,
    shared: Compression | undefined,
  ): void {
    const { settings } = this;
    const transport = new WsTransport(ws, {
      socket,
      sharedCompression: shared,
      maxBufferedBytes: settings.maxBufferedBytes,
      backpressure: settings.backpressure,
      onBackpressure: this.backpressured,
    });
    this.parts.acceptor.open(transport, data, request);
  }

  private beat(): void {
    for (const transport of this.parts.acceptor.live.keys()) transport.beat();
  }
}

installServerApi(TetherServer);

/**
 * Starts a server: listening on `port` with an HTTP server of its own, or taking upgrades on an
 * existing `server`. Resolves once it is listening (at once when attached).
 */
export async function createServer<Ctx = undefined>(options: ServerOptions<Ctx>): Promise<TetherServer<Ctx>> {
  if (options.server) return new TetherServer<Ctx>(options, options.server, false);
  const httpServer = await listen(options.port, options.host ?? '127.0.0.1');
  try {
    return new TetherServer<Ctx>(options, httpServer, true);
  } catch (error) {
    // An option refused by the constructor must not leave the port taken.
    await closeHttpServer(httpServer);
    throw error;
  }
}
