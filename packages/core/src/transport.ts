/** Why a transport closed: a WebSocket close code where there is one, and a reason. */
export interface CloseInfo {
  /** The WebSocket close code (1000 normal, 1001 going away, 1006 dropped, ...). */
  code: number;
  /** The close reason, often empty. */
  reason: string;
}

/** How a message is sent: `droppable` marks pushes a congested transport may shed instead of queueing. */
export interface SendOptions {
  /** The message may be dropped rather than queued when the transport is congested. Default false. */
  droppable?: boolean;
}

/**
 * What a peer needs from a connection, and all it knows of one: strings out, strings in,
 * and a close. WebSocket, MessagePort and the in-memory pair all fit behind it.
 * A transport calls each listener it is given; `onClose` fires once, after which no
 * message is delivered.
 */
export interface Transport {
  /** Sends one message (a JSON text); returns false when it shed a `droppable` message instead (nothing else may be shed). */
  send(message: string, options?: SendOptions): boolean | void;
  /** Adds a listener for each message received. */
  onMessage(listener: (message: string) => void): void;
  /** Adds a listener for the close, which fires once. */
  onClose(listener: (info: CloseInfo) => void): void;
  /** Closes the connection, with a WebSocket close code and reason where the transport has them. */
  close(code?: number, reason?: string): void;
}
