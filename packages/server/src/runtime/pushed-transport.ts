import { CloseCode, type CloseInfo, type ErrorObject, type SendOptions } from '@tether/core';
import type { ServerTransport } from '../acceptor/acceptor.js';
import { resultRefused } from '../transport/refusal.js';
import type { BackpressureEvent, BackpressurePolicy } from '../transport/backpressure.js';

/** What every runtime's transport is told at birth. */
export interface PushedTransportOptions {
  maxPayload: number;
  /** Past twice this, results are refused where the runtime tells the queue's size. */
  maxBufferedBytes: number;
  backpressure: BackpressurePolicy;
  onBackpressure: (event: BackpressureEvent) => void;
}

const encoder = new TextEncoder();

/**
 * The part of a server transport that is the same on every runtime whose socket events are
 * handed to us (Bun's handler object, a Durable Object's methods, Deno's listeners): the
 * listeners, the size check of incoming messages, a close reported once, and the backpressure
 * policy. A runtime fills in how to write, close and measure its queue.
 */
export abstract class PushedTransport implements ServerTransport {
  bytesIn = 0;
  bytesOut = 0;
  dropped = 0;
  #message: Array<(message: string) => void> = [];
  #close: Array<(info: CloseInfo) => void> = [];
  #ended = false;
  /** Whether this stretch of congestion has been reported: once per stretch, as on Node. */
  #reported = false;

  constructor(private readonly options: PushedTransportOptions) {}

  /** Writes one text frame; returns false where the runtime refused it outright. */
  protected abstract write(message: string): boolean;
  /** Whether the runtime reports the reader slow now. */
  protected abstract slow(): boolean;
  abstract close(code?: number, reason?: string): void;
  abstract terminate(): void;

  /** Bytes queued past which results are refused under 'drop', as on Node (see WsTransport.queueLimit). */
  get queueLimit(): number {
    return 2 * this.options.maxBufferedBytes;
  }

  refusal(method: string): ErrorObject {
    return resultRefused(method, this.queueLimit);
  }

  send(message: string, options?: SendOptions): boolean {
    return this.sendText(message, options?.droppable === true, options?.refusable === true);
  }

  /** Sends a text frame under the backpressure policy; false when it was not sent. */
  sendText(message: string, droppable: boolean, refusable = false): boolean {
    if (this.#ended) return false;
    if (this.slow()) {
      if (droppable) {
        this.dropped++;
        this.report('drop');
        return false;
      }
      if (this.options.backpressure === 'close') {
        this.report('close');
        this.close(CloseCode.TryAgainLater, 'client too slow');
        return false;
      }
      // A runtime that does not tell the queue's size (workerd) reports 0 and never refuses.
      if (refusable && this.bufferedAmount() >= this.queueLimit) {
        this.report('drop');
        return false;
      }
    } else {
      this.#reported = false;
    }
    if (!this.write(message)) return false;
    this.bytesOut += message.length;
    return true;
  }

  onMessage(listener: (message: string) => void): void {
    this.#message.push(listener);
  }

  onClose(listener: (info: CloseInfo) => void): void {
    this.#close.push(listener);
  }

  /** Hands an incoming text frame to the peer; one past `maxPayload` closes the connection with 1009. */
  deliver(message: string | ArrayBuffer | Uint8Array): void {
    if (this.#ended) return;
    // JSON-RPC travels in text frames; a binary frame is read as UTF-8 too, as on Node.
    const text = typeof message === 'string' ? message : new TextDecoder().decode(message);
    const size = text.length * 3 <= this.options.maxPayload ? text.length : encoder.encode(text).length;
    if (size > this.options.maxPayload) {
      this.close(CloseCode.MessageTooBig, 'message too big');
      return;
    }
    this.bytesIn += size;
    for (const listener of this.#message) listener(text);
  }

  /** Reports the close to the peer, once; no message is delivered after it. */
  end(info: CloseInfo): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const listener of this.#close) listener(info);
  }

  /** Reports the start of each stretch of congestion, and every close it causes. */
  private report(action: BackpressureEvent['action']): void {
    if (action === 'drop' && this.#reported) return;
    this.#reported = true;
    this.options.onBackpressure({ action, bufferedAmount: this.bufferedAmount() });
  }

  /** Bytes queued for the reader, where the runtime tells; 0 where it does not. */
  protected bufferedAmount(): number {
    return 0;
  }
}
