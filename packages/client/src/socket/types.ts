/** The parts of a WebSocket event the client reads. */
export interface SocketEvent {
  /** `open`, `message`, `close` or `error`. */
  readonly type: string;
  /** A message's data. */
  readonly data?: unknown;
  /** A close's code. */
  readonly code?: number;
  /** A close's reason. */
  readonly reason?: string;
}

/**
 * The subset of the WHATWG WebSocket the client uses; the browser's WebSocket and the one of
 * `ws` both fit it, as does any runtime's that follows the standard.
 */
export interface WebSocketLike {
  /** Sends a text message. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Listens for the socket's events. */
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: SocketEvent) => void): void;
  /** Drops the connection without a closing handshake, where the runtime can (`ws` can; browsers cannot). */
  terminate?(): void;
  /** The HTTP status of a refused upgrade, for sockets that can see it (the Node default can). */
  readonly upgradeStatus?: number | undefined;
  /** Why the socket failed to open, in words, for sockets that can tell (the Node default can). */
  readonly failure?: string | undefined;
}

/** A WebSocket class: `new WebSocket(url, protocols)`. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;
