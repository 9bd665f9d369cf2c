import type { Socket } from 'node:net';
import { CloseCode, type CloseInfo, type SendOptions, type Transport } from '@tether/core';
import { WebSocket, type RawData } from 'ws';
import { closeCodeForWsError } from '../close-codes.js';
import { textFrame } from './frame.js';

/** What a slow reader's non-droppable messages get: 'drop' still sends them, 'close' ends the connection. */
export type BackpressurePolicy = 'drop' | 'close';

/** Reported once per stretch of congestion: when pushes start being dropped, or when the connection is closed. */
export interface BackpressureEvent {
  /** 'drop': pushes are being dropped; 'close': the connection is closing with 1013. */
  readonly action: 'drop' | 'close';
  /** Bytes queued for the socket at that moment. */
  readonly bufferedAmount: number;
}

/** Options for a transport over a `ws` WebSocket. */
export interface WsTransportOptions {
  /** Bytes queued for the socket beyond which the reader counts as slow; at least the socket's high-water mark. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * For a slow reader: droppable messages (pushes) are always dropped; non-droppable ones
   * (responses, calls) still go under 'drop' and close the connection with 1013 under 'close'.
   * Default 'drop'.
   */
  backpressure?: BackpressurePolicy;
  /**
   * The socket under the WebSocket (the server has it from the upgrade). With it, writes made
   * in one tick are corked into one syscall, reading pauses while the reader is slow (messages
   * already read are held until its queue drains), and byte counts are kept. Default: none.
   */
  socket?: Socket;
  /** Called on each BackpressureEvent. Default: none. */
  onBackpressure?: (event: BackpressureEvent) => void;
  /** Called with each error the WebSocket reports (a bad frame, an oversized message). Default: none. */
  onError?: (error: Error) => void;
}

const textOptions = { binary: false } as const;

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
  private readonly onBackpressure: ((event: BackpressureEvent) => void) | undefined;
  private congested = false;
  /** Whether reading is paused until the socket drains. */
  private stalled = false;
  /** Messages read while the queue was full, delivered once it drains; undefined while delivery is direct. */
  private held: string[] | undefined;
  private readonly listeners: Array<(message: string) => void> = [];
  private corked = false;
  /** Whether pushes are written as shared frames: with the socket, and no extension (compression) negotiated. */
  private readonly framesPushes: boolean;
  private awaitingPong = false;
  /** Why ws closed the connection itself, when it did: a bad or oversized frame. */
  private failure: CloseInfo | undefined;

  constructor(
    /** The `ws` socket carried. */
    readonly ws: WebSocket,
    options: WsTransportOptions = {},
  ) {
    // Not below the high-water mark: a queue that long has made a write return false, so 'drain' will follow.
    this.maxBufferedBytes = Math.max(options.maxBufferedBytes ?? 1024 * 1024, options.socket?.writableHighWaterMark ?? 0);
    this.policy = options.backpressure ?? 'drop';
    this.socket = options.socket;
    this.onBackpressure = options.onBackpressure;
    this.framesPushes = options.socket !== undefined && ws.extensions === '';
    const onError = options.onError;
    // Without a listener an 'error' would crash the process; ws closes the socket itself.
    ws.on('error', (error) => {
      const code = closeCodeForWsError(error);
      if (code !== undefined) this.failure ??= { code, reason: error.message };
      onError?.(error);
    });
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
  }

  /** Bytes queued for the socket and not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
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

  send(message: string, options?: SendOptions): boolean {
    return this.write(message, options?.droppable === true);
  }

  /** Sends text already encoded, so that one buffer can go to many sockets; false when not sent. */
  sendEncoded(message: Buffer, droppable: boolean): boolean {
    return this.write(message, droppable);
  }

  onMessage(listener: (message: string) => void): void {
    // binaryType stays 'nodebuffer', so every message arrives as one Buffer; binary frames are read as UTF-8 too.
    if (this.listeners.push(listener) > 1) return;
    this.ws.on('message', (data: RawData) => this.receive((data as Buffer).toString()));
  }

  onClose(listener: (info: CloseInfo) => void): void {
    this.ws.on('close', (code, reason) => listener(this.failure ?? { code, reason: reason.toString() }));
  }

  close(code?: number, reason?: string): void {
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
    this.awaitingPong = true;
    this.ws.ping();
  }

  private write(data: string | Buffer, droppable: boolean): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    const buffered = this.ws.bufferedAmount;
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
    }
    this.cork();
    // A push goes out as a frame shared with every other socket it is sent to (see textFrame),
    // written under ws: ws sends nothing but whole frames straight to the socket when no extension is on.
    if (droppable && this.framesPushes) this.socket!.write(textFrame(data));
    else if (typeof data === 'string') this.ws.send(data);
    else this.ws.send(data, textOptions);
    if (this.full()) this.stall();
    return true;
  }

  /**
   * A message from the client. Once the connection is closing (1013, shutdown, a failed
   * heartbeat) nothing more it sent is run. While the queue is full, it is held: ws parses every
   * frame of a TCP read at once, and a call run now would add its result to a queue already full.
   */
  private receive(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.held || this.full()) {
      (this.held ??= []).push(text);
      this.stall();
      return;
    }
    this.deliver(text);
  }

  private deliver(text: string): void {
    for (const listener of this.listeners) listener(text);
  }

  /**
   * Whether the queue is past the limit and the socket owes a 'drain', which says when it no
   * longer is; only with the socket. With the limit at least the high-water mark, a queue that
   * long has made a write return false, unless the bytes wait in ws (compressing), not in the socket.
   */
  private full(): boolean {
    const socket = this.socket;
    return socket !== undefined && socket.writableNeedDrain && this.ws.bufferedAmount >= this.maxBufferedBytes;
  }

  /**
   * Stops reading from a client whose queue is full until the kernel takes it, so a client
   * that sends calls but never reads their responses is held back by TCP, not by our memory.
   */
  private stall(): void {
    if (!this.socket || this.stalled || !this.socket.writableNeedDrain) return;
    this.stalled = true;
    this.ws.pause();
    this.socket.once('drain', this.drained);
  }

  /** Delivers what was held, in order, until the queue is full again; then reads again. */
  private readonly drained = (): void => {
    this.stalled = false;
    this.congested = false;
    const held = this.held;
    let next = 0;
    while (held && next < held.length && this.ws.readyState === WebSocket.OPEN) {
      if (this.full()) {
        held.splice(0, next);
        this.stall();
        return;
      }
      this.deliver(held[next++]!);
    }
    this.held = undefined;
    // Not if the last of them filled the queue again; but also when closing, to read the client's answer to the close frame.
    if (!this.stalled) this.ws.resume();
  };

  /** Reports the start of a stretch of congestion, which lasts until the queue drains, and every close. */
  private congest(action: BackpressureEvent['action'], bufferedAmount: number): void {
    if (!this.congested) {
      this.congested = true;
      this.stall();
    } else if (action === 'drop') {
      return;
    }
    this.onBackpressure?.({ action, bufferedAmount });
  }

  /** Holds this tick's writes in the socket so that they leave in one syscall. */
  private cork(): void {
    if (!this.socket || this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(this.uncork);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket?.uncork();
  };
}
