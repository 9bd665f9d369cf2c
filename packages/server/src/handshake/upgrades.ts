import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Settings } from '../options.js';
import type { Compression } from '../transport/frame.js';
import { originRefusal } from '../acceptor/acceptor.js';
import { HttpError } from './http-error.js';
import { malformed } from './malformed.js';
import { refuse } from './refuse.js';
import { serverSocketOptions } from '../transport/server-socket.js';
import { pathOf, readHandshake, type HandshakeRequest } from './request.js';

/** What the upgrade path needs from its server. */
export interface UpgradeHost<Ctx> {
  readonly settings: Settings<Ctx>;
  /** Whether the HTTP server is our own, so that requests for other paths are ours to answer (404). */
  readonly ownsHttpServer: boolean;
  /** The HTTP server's 'upgrade' listeners, ours included: whether anyone else may take another path. */
  upgradeListeners(): number;
  /** Why no connection can be taken now (503: shutting down or full; 429 over a per-address or per-user limit once admitted). */
  refusal(
    handshaking: number,
    admitted?: { readonly request: HandshakeRequest; readonly data: Ctx },
  ): HttpError | undefined;
  /**
   * Takes an accepted connection; `shared` is the compression of frames that may go to it as
   * they go to every other such socket (when it negotiated permessage-deflate with the full window).
   */
  open(ws: WebSocket, socket: Socket, request: HandshakeRequest, data: Ctx, shared: Compression | undefined): void;
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

  /** Upgrades whose answer holds permessage-deflate with the full 15-bit server window. */
  private readonly fullWindow = new WeakSet<IncomingMessage>();

  constructor(private readonly host: UpgradeHost<Ctx>) {
    const { compression, maxPayload } = host.settings;
    this.wss = new WebSocketServer({
      ...serverSocketOptions,
      noServer: true,
      clientTracking: false,
      // Without context: frames compressed once for many sockets leave each one's inflater in step.
      perMessageDeflate: compression
        ? {
            serverNoContextTakeover: true,
            threshold: compression.threshold,
            zlibDeflateOptions: { level: compression.level },
          }
        : false,
      maxPayload,
    });
    // A client may ask for a smaller server window; frames made for the full one would not fit it.
    if (compression) {
      this.wss.on('headers', (headers: string[], raw: IncomingMessage) => {
        const answer = headers.find((header) => /^sec-websocket-extensions:/i.test(header));
        const bits = /server_max_window_bits=(\d+)/.exec(answer ?? '')?.[1];
        if (answer?.includes('permessage-deflate') && (bits === undefined || bits === '15')) this.fullWindow.add(raw);
      });
    }
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
    const path = pathOf(raw.url ?? '/');
    if (settings.path !== undefined && path !== settings.path) {
      this.elsewhere(socket as Socket, path);
      return;
    }
    // A client that resets mid-handshake must not take the process down with an unhandled 'error'.
    socket.on('error', ignore);
    const request = readHandshake(raw);
    const early =
      malformed(raw) ?? this.host.refusal(this.handshaking.size) ?? originRefusal(settings.origins, request.origin);
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
      this.host.open(
        ws,
        socket as Socket,
        request,
        data,
        this.fullWindow.has(raw) ? this.host.settings.compression : undefined,
      );
    });
  }

  /**
   * An upgrade for another path than ours. On our own HTTP server, or when ours is the only
   * 'upgrade' listener, nobody else can take it: 404 at once. Otherwise it is left to the other
   * listeners, and answered 404 only if none has taken its socket (written to it, listened for
   * its data, or ended it) within `unclaimedUpgradeTimeout`: a socket nobody takes would stay open.
   */
  private elsewhere(socket: Socket, path: string): void {
    const notFound = () => {
      socket.on('error', ignore);
      refuse(socket, new HttpError(404, `No WebSocket endpoint at ${path}`));
    };
    if (this.host.ownsHttpServer || this.host.upgradeListeners() <= 1) {
      notFound();
      return;
    }
    const written = socket.bytesWritten;
    const readers = socket.listenerCount('data');
    setTimeout(() => {
      if (socket.destroyed || socket.writableEnded) return;
      if (socket.bytesWritten === written && socket.listenerCount('data') === readers) notFound();
    }, this.host.settings.unclaimedUpgradeTimeout).unref();
  }
}
