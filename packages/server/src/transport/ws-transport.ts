import type { Socket } from 'node:net';
import { CloseCode, type CloseInfo, type ErrorObject, type SendOptions, type Transport } from '@tether/core';
import { WebSocket } from 'ws';
import { closeCodeForWsError } from '../close-codes.js';
import { frameText, sharedFrame, TEXT_OPTIONS, type Compression } from './frame.js';
import { PendingPushes, schedule } from './outbox.js';
import { ReadGate } from './read-gate.js';
import { resultRefused } from './refusal.js';
import type { PeerReceiver } from '../acceptor/acceptor.js';
import { ServerSocket, TRANSPORT, socketListeners, type SocketEvents } from './server-socket.js';
import type { BackpressureEvent, BackpressurePolicy } from './backpressure.js';

/** Options for a transport over a `ws` WebSocket. */
export interface WsTransportOptions {
  /** Bytes queued for the socket beyond which the reader counts as slow; at least the socket's high-water mark. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * For a slow reader: droppable messages (pushes) are always dropped; non-droppable ones
   * (responses, calls) still go under 'drop', refusable ones (results) only up to `queueLimit`,
   * and close the connection with 1013 under 'close'. Default 'drop'.
   */
  backpressure?: BackpressurePolicy;
  /**
   * The socket under the WebSocket (the server has it from the upgrade). With it, writes made
   * in one tick are corked into one syscall, reading pauses while the reader is slow (messages
   * already read are held until its queue drains), and byte counts are kept. Default: none.
   */
  socket?: Socket;
  /** Called on each BackpressureEvent, with the transport it concerns. Default: none. */
  onBackpressure?: (event: BackpressureEvent, transport: WsTransport) => void;
  /** Called with each error the WebSocket reports (a bad frame, an oversized message). Default: none. */
  onError?: (error: Error) => void;
  /**
   * With `socket`, on a WebSocket that negotiated permessage-deflate without context and with the
   * full window: how pushes are compressed into the frame shared with every such socket, so each
   * event is compressed once. Other messages ws compresses itself. Default: none.
   */
  sharedCompression?:
    | {
        /** Smallest push in bytes that is compressed. */
        readonly threshold: number;
        /** zlib level, 1 to 9. */
        readonly level: number;
      }
    | undefined;
}

/**
 * Bytes a tick's corked writes may hold before they are written and holding starts again: small
 * frames leave together in one syscall, while a tick of large ones (64 results of 1 KB) reaches
 * the client in parts it can start on, instead of one burst after the whole tick. The Node
 * client holds the same (packages/client/src/socket/node.ts).
 */
const CORK_BYTES = 16 * 1024;

/**
 * A Transport over an open `ws` WebSocket, with the server's protection against slow readers:
 * sends are checked against `bufferedAmount` so that one client that stops reading cannot
 * grow the server's memory without bound.
 */
export class WsTransport implements Transport {
  private droppedCount = 0;
  private readonly maxBufferedBytes: number;
  private readonly policy: BackpressurePolicy;
  private readonly socket: Socket | undefined;
  private readonly onBackpressure: ((event: BackpressureEvent, transport: WsTransport) => void) | undefined;
  private readonly onError: ((error: Error) => void) | undefined;
  /** The peer this transport delivers to itself, where the socket is a ServerSocket (see deliverTo). */
  private receiver: PeerReceiver | undefined;
  /** The first message and close listeners, called by the shared listeners; a later close listener gets a ws listener of its own. */
  private messageListener: ((message: string) => void) | undefined;
  private closeListener: ((info: CloseInfo) => void) | undefined;
  private congested = false;
  /** Holds a client back while its queue is full; made the first time it is. */
  private gate: ReadGate | undefined;
  /** Message listeners after the first, rare: made when one is added. */
  private moreListeners: Array<(message: string) => void> | undefined;
  private corked = false;
  /** Whether it frames what it writes itself: with the socket, and no extension (compression) negotiated. */
  private readonly framesItself: boolean;
  /** Whether pushes go out as frames shared with every socket (see sharedFrame): framed itself, or compressed as shared. */
  private readonly sharesPushes: boolean;
  private readonly compression: Compression | undefined;
  /** Pushes waiting in the outbox for their write; made with the first. */
  private pending: PendingPushes | undefined;
  private awaitingPong = false;
  /** Whether a heartbeat has begun: the pong listener is added with the first ping. */
  private beaten = false;
  /** Why ws closed the connection itself, when it did: a bad or oversized frame. */
  private failure: CloseInfo | undefined;

  constructor(
    /** The `ws` socket carried. */
    readonly ws: WebSocket,
    options: WsTransportOptions = {},
  ) {
    // Not below the high-water mark: a queue that long has made a write return false, so 'drain' will follow.
    this.maxBufferedBytes = Math.max(
      options.maxBufferedBytes ?? 1024 * 1024,
      options.socket?.writableHighWaterMark ?? 0,
    );
    this.policy = options.backpressure ?? 'drop';
    this.socket = options.socket;
    this.onBackpressure = options.onBackpressure;
    this.framesItself = options.socket !== undefined && ws.extensions === '';
    this.compression = options.socket === undefined ? undefined : options.sharedCompression;
    this.sharesPushes = this.framesItself || this.compression !== undefined;
    this.onError = options.onError;
    (ws as WebSocket & { [TRANSPORT]?: SocketEvents })[TRANSPORT] = this;
    // Without a listener an 'error' would crash the process; ws closes the socket itself.
    if (!this.direct) ws.on('error', socketListeners.error);
  }

  /** Whether the socket hands its events to this transport itself (a ServerSocket), needing no listener. */
  private get direct(): boolean {
    return this.ws instanceof ServerSocket;
  }

  /** @internal The socket reported an error (a bad frame, an oversized message). */
  socketError(error: Error): void {
    const code = closeCodeForWsError(error);
    if (code !== undefined) this.failure ??= { code, reason: error.message };
    this.onError?.(error);
  }

  /** @internal The client answered a ping. */
  socketPong(): void {
    this.awaitingPong = false;
  }

  /**
   * @internal The client pinged, on a socket made without ws's autoPong (ServerSocket): its pong,
   * unless the queue is past `maxBufferedBytes`, so that a client that floods pings and reads
   * nothing grows the server's memory no further than one that floods calls.
   */
  socketPing(data: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN && this.bufferedAmount < this.maxBufferedBytes) this.ws.pong(data);
  }

  /** @internal A message arrived: one Buffer, as binaryType stays 'nodebuffer' (binary frames are read as UTF-8 too). */
  socketMessage(data: Buffer): void {
    this.receive(data.toString());
  }

  /** @internal The connection closed. */
  socketClose(code: number, reason: Buffer): void {
    const info = this.failure ?? { code, reason: reason.toString() };
    this.receiver?.transportClosed(info);
    this.closeListener?.(info);
  }

  /**
   * @internal Delivers messages and the close to `receiver` itself, with no listener, where the
   * socket hands its events to this transport (a ServerSocket); says whether it does.
   */
  deliverTo(receiver: PeerReceiver): boolean {
    if (!this.direct) return false;
    this.receiver = receiver;
    return true;
  }

  private static uncork(transport: WsTransport): void {
    transport.corked = false;
    transport.socket?.uncork();
  }

  /** Bytes queued for the socket and not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount + (this.pending?.bytes ?? 0);
  }

  /** Droppable messages shed because the reader was slow. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Bytes read from the socket, framing and handshake included (0 without `socket`). */
  get bytesIn(): number {
    return this.socket?.bytesRead ?? 0;
  }

  /** Bytes written to the socket, framing and handshake included (0 without `socket`). */
  get bytesOut(): number {
    return this.socket?.bytesWritten ?? 0;
  }

  /**
   * Bytes queued past which results are refused under 'drop': twice `maxBufferedBytes`, so that
   * a client that reads, if slowly, still gets the results of calls that were already running
   * when pushes began to drop, while one that does not read holds at most this and one result.
   */
  get queueLimit(): number {
    return 2 * this.maxBufferedBytes;
  }

  refusal(method: string): ErrorObject {
    return resultRefused(method, this.queueLimit);
  }

  send(message: string, options?: SendOptions): boolean {
    return this.write(message, options?.droppable === true, options?.refusable === true);
  }

  /** Sends text already encoded, so that one buffer can go to many sockets; false when not sent. */
  sendEncoded(message: Buffer, droppable: boolean): boolean {
    return this.write(message, droppable, false);
  }

  onMessage(listener: (message: string) => void): void {
    if (!this.messageListener) {
      this.messageListener = listener;
      if (!this.direct) this.ws.on('message', socketListeners.message);
    } else (this.moreListeners ??= []).push(listener);
  }

  onClose(listener: (info: CloseInfo) => void): void {
    if (!this.closeListener) {
      this.closeListener = listener;
      if (!this.direct) this.ws.on('close', socketListeners.close);
    } else this.ws.on('close', (code, reason) => listener(this.failure ?? { code, reason: reason.toString() }));
  }

  close(code?: number, reason?: string): void {
    // Pushes already accepted go out before the close frame, as they would have without the outbox.
    this.flushPending();
    this.ws.close(code, reason);
  }

  /** Ends the connection at once, without a closing handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  /** One heartbeat: pings, or terminates the connection when the previous ping got no pong. */
  beat(): void {
    if (this.awaitingPong) {
      this.ws.terminate();
      return;
    }
    if (!this.beaten && !this.direct) {
      this.beaten = true;
      this.ws.on('pong', socketListeners.pong);
    }
    this.awaitingPong = true;
    this.ws.ping();
  }

  private write(data: string | Buffer, droppable: boolean, refusable: boolean): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    const buffered = this.bufferedAmount;
    if (buffered < this.maxBufferedBytes) {
      // Without the socket's 'drain', a send under the limit is the only sign the reader caught up.
      if (!this.socket) this.congested = false;
    } else if (droppable) {
      this.droppedCount++;
      this.congest('drop', buffered);
      return false;
    } else if (this.policy === 'close') {
      this.congest('close', buffered);
      this.ws.close(CloseCode.TryAgainLater, 'client too slow');
      return false;
    } else if (refusable && buffered >= this.queueLimit) {
      // Calls already running when the queue filled all finish; their results are not held for a reader that may never come.
      this.congest('drop', buffered);
      return false;
    }
    // A push goes out as a frame shared with every other socket it is sent to (see sharedFrame),
    // written under ws: ws sends nothing but whole frames straight to the socket when no extension is on.
    if (droppable && this.sharesPushes) {
      const pending = (this.pending ??= new PendingPushes());
      if (pending.add(sharedFrame(data, this.compression), this.compression && data)) schedule(this);
      return true;
    }
    this.cork();
    // Pushes still in the outbox were sent first, so they are written first.
    if (this.pending?.bytes) this.flushPending();
    if (this.framesItself) {
      const socket = this.socket!;
      socket.write(frameText(data));
      if (socket.writableLength >= CORK_BYTES) {
        socket.uncork();
        socket.cork();
      }
    } else if (typeof data === 'string') this.ws.send(data);
    else this.ws.send(data, TEXT_OPTIONS);
    if (this.full()) this.stall();
    return true;
  }

  /** @internal Writes the pushes waiting in the outbox, in one syscall; the number of socket writes made. */
  flushPending(): number {
    const pending = this.pending;
    if (!pending?.bytes) return 0;
    // Closed meanwhile: the client resumes from its last event id, as with any push in flight.
    if (this.ws.readyState !== WebSocket.OPEN) {
      pending.take();
      return 0;
    }
    pending.writeTo(this.socket!, this.ws, this.corked);
    if (this.full()) this.stall();
    return 1;
  }

  /**
   * A message from the client. Once the connection is closing (1013, shutdown, a failed
   * heartbeat) nothing more it sent is run. While the queue is full, it is held: a call run now
   * would add its result to a queue already full.
   */
  private receive(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.gate?.holding || this.full()) this.gateOf()?.hold(text);
    else this.deliver(text);
  }

  /** @internal Hands `text` to the peer. */
  deliver(text: string): void {
    this.receiver?.received(text);
    this.messageListener?.(text);
    if (this.moreListeners) for (const listener of this.moreListeners) listener(text);
  }

  /** @internal The queue drained after a stall: the reader caught up. */
  drained(): void {
    this.congested = false;
  }

  /**
   * @internal Whether the queue is past the limit and the socket owes a 'drain', which says when
   * it no longer is; only with the socket. With the limit at least the high-water mark, a queue that
   * long has made a write return false, unless the bytes wait in ws (compressing), not in the socket.
   */
  full(): boolean {
    const socket = this.socket;
    return socket !== undefined && socket.writableNeedDrain && this.ws.bufferedAmount >= this.maxBufferedBytes;
  }

  /** The read gate, made on first need; none without the socket, whose 'drain' it waits for. */
  private gateOf(): ReadGate | undefined {
    if (!this.socket) return undefined;
    return (this.gate ??= new ReadGate(this, this.socket));
  }

  private stall(): void {
    this.gateOf()?.stall();
  }

  /** Reports the start of a stretch of congestion, which lasts until the queue drains, and every close. */
  private congest(action: BackpressureEvent['action'], bufferedAmount: number): void {
    if (!this.congested) {
      this.congested = true;
      this.stall();
    } else if (action === 'drop') {
      return;
    }
    this.onBackpressure?.({ action, bufferedAmount }, this);
  }

  /** Holds this tick's writes in the socket so that they leave in one syscall. */
  private cork(): void {
    if (!this.socket || this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(WsTransport.uncork, this);
  }
}
