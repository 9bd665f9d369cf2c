import type { ErrorObject } from './errors.js';

/** Why a transport closed: a WebSocket close code where there is one, and a reason. */
export interface CloseInfo {
  /** The WebSocket close code (1000 normal, 1001 going away, 1006 dropped, ...). */
  code: number;
  /** The close reason, often empty. */
  reason: string;
}

/**
 * How a message is sent: `droppable` marks pushes a congested transport may shed instead of
 * queueing; `refusable` marks a call's result, which it may refuse so that the peer answers the
 * call with a small -32002 instead.
 */
export interface SendOptions {
  /** The message may be dropped rather than queued when the transport is congested. Default false. */
  droppable?: boolean;
  /** The message is a call's result, which may be refused (send returns false) when the queue is full. Default false. */
  refusable?: boolean;
}

/**
 * What a peer needs from a connection, and all it knows of one: strings out, strings in,
 * and a close. WebSocket, MessagePort and the in-memory pair all fit behind it.
 * A transport calls each listener it is given; `onClose` fires once, after which no
 * message is delivered.
 */
export interface Transport {
  /**
   * Sends one message (a JSON text); returns false when it shed a `droppable` message or refused
   * a `refusable` one instead (nothing else may be held back).
   */
  send(message: string, options?: SendOptions): boolean | void;
  /**
   * The error that answers a call whose result was refused, naming its method (and the limit);
   * a transport that refuses has it. Default: none are refused.
   */
  refusal?(method: string): ErrorObject;
  /** Adds a listener for each message received. */
  onMessage(listener: (message: string) => void): void;
  /** Adds a listener for the close, which fires once. */
  onClose(listener: (info: CloseInfo) => void): void;
  /** Closes the connection, with a WebSocket close code and reason where the transport has them. */
  close(code?: number, reason?: string): void;
}
