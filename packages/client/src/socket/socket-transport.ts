import type { CloseInfo, Transport } from '@tether/core';
import type { WebSocketLike } from './types.js';

/**
 * An open WebSocket as a core Transport. The client, which owns the socket and listens for
 * its close, calls `end` so that the peer detaches before the client decides on a reconnect.
 */
export class SocketTransport implements Transport {
  readonly #messageListeners: Array<(message: string) => void> = [];
  readonly #closeListeners: Array<(info: CloseInfo) => void> = [];
  #ended = false;
  /** Messages the socket delivered, text or not: what a Heartbeat watches. */
  received = 0;

  readonly #socket: WebSocketLike;

  constructor(socket: WebSocketLike) {
    this.#socket = socket;
    socket.addEventListener('message', (event) => {
      this.received++;
      // JSON-RPC travels in text frames; a binary frame carries nothing the peer could parse.
      if (this.#ended || typeof event.data !== 'string') return;
      for (const listener of this.#messageListeners) listener(event.data);
    });
  }

  send(message: string): void {
    this.#socket.send(message);
  }

  onMessage(listener: (message: string) => void): void {
    this.#messageListeners.push(listener);
  }

  onClose(listener: (info: CloseInfo) => void): void {
    this.#closeListeners.push(listener);
  }

  close(code?: number, reason?: string): void {
    this.#socket.close(code, reason);
  }

  /** Reports the socket's close to the peer, once; no message is delivered after it. */
  end(info: CloseInfo): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const listener of this.#closeListeners) listener(info);
  }
}
