import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Settings } from '../options.js';
import { originRefusal } from '../acceptor/acceptor.js';
import { HttpError } from './http-error.js';
import { refuse } from './refuse.js';
import { pathOf, readHandshake, type HandshakeRequest } from './request.js';

/** What the upgrade path needs from its server. */
export interface UpgradeHost<Ctx> {
  readonly settings: Settings<Ctx>;
  /** Whether the HTTP server is our own, so that requests for other paths are ours to answer (404). */
  readonly ownsHttpServer: boolean;
  /** Why no connection can be taken now (503: shutting down or full; 429 over a per-address or per-user limit once admitted). */
  refusal(handshaking: number, admitted?: { readonly request: HandshakeRequest; readonly data: Ctx }): HttpError | undefined;
  /** Takes an accepted connection. */
  open(ws: WebSocket, socket: Socket, request: HandshakeRequest, data: Ctx): void;
  /** Reports a failure that is the server's, not the client's (an `authenticate` that threw). */
  report(error: unknown): void;
}

const ignore = () => {};

/**
 * The way in: every upgrade request passes path, capacity, origin and `authenticate` before
 * a WebSocket is made; a refused one gets an HTTP status and a destroyed socket, nothing more.
 */
export class Upgrades<Ctx> {
  /** Sockets whose `authenticate` has not answered yet: counted against the limit, ended on shutdown. */
  private readonly handshaking = new Set<Duplex>();
  private readonly wss: WebSocketServer;

  constructor(private readonly host: UpgradeHost<Ctx>) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: host.settings.maxPayload,
    });
  }

  /** The HTTP server's 'upgrade' listener. */
  readonly listener = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.handle(request, socket, head);
  };

  /** Ends the handshakes still waiting on `authenticate`. */
  abort(): void {
    for (const socket of this.handshaking) socket.destroy();
    this.handshaking.clear();
  }

  private async handle(raw: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { settings } = this.host;
    const ours = settings.path === undefined || pathOf(raw.url ?? '/') === settings.path;
    if (!ours && !this.host.ownsHttpServer) return;
    // A client that resets mid-handshake must not take the process down with an unhandled 'error'.
    socket.on('error', ignore);
    const request = readHandshake(raw);
    const early = ours
      ? (this.host.refusal(this.handshaking.size) ?? originRefusal(settings.origins, request.origin))
      : new HttpError(404);
    if (early) {
      refuse(socket, early);
      return;
    }
    let data: Ctx;
    this.handshaking.add(socket);
    try {
      data = settings.authenticate ? await settings.authenticate(request) : (undefined as Ctx);
    } catch (error) {
      if (!(error instanceof HttpError)) this.host.report(error);
      refuse(socket, error instanceof HttpError ? error : new HttpError(500));
      return;
    } finally {
      this.handshaking.delete(socket);
    }
    if (socket.destroyed) return;
    const late = this.host.refusal(this.handshaking.size, { request, data });
    if (late) {
      refuse(socket, late);
      return;
    }
    this.wss.handleUpgrade(raw, socket, head, (ws) => {
      socket.off('error', ignore);
      this.host.open(ws, socket as Socket, request, data);
    });
  }
}
