/** The parts of a WebSocket event the client reads: `data` of a message, `code` and `reason` of a close. */
export interface SocketEvent {
  readonly type: string;
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
}

/**
 * The subset of the WHATWG WebSocket the client uses; the browser's WebSocket and the one of
 * `ws` both fit it, as does any runtime's that follows the standard.
 */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: SocketEvent) => void): void;
  /** The HTTP status of a refused upgrade, for sockets that can see it (the Node default can). */
  readonly upgradeStatus?: number | undefined;
}

/** A WebSocket class: `new WebSocket(url, protocols)`. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;
