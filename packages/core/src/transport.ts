/** Why a transport closed: a WebSocket close code where there is one, and a reason. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** How a message is sent: `droppable` marks pushes a congested transport may shed instead of queueing. */
export interface SendOptions {
  droppable?: boolean;
}

/**
 * What a peer needs from a connection, and all it knows of one: strings out, strings in,
 * and a close. WebSocket, MessagePort and the in-memory pair all fit behind it.
 * A transport calls each listener it is given; `onClose` fires once, after which no
 * message is delivered.
 */
export interface Transport {
  send(message: string, options?: SendOptions): void;
  onMessage(listener: (message: string) => void): void;
  onClose(listener: (info: CloseInfo) => void): void;
  close(code?: number, reason?: string): void;
}
