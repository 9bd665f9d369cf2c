import type { CloseInfo, Peer } from '@tether/core';
import type { HandshakeRequest } from './handshake/request.js';
import type { BackpressureEvent } from './transport/backpressure.js';
import type { BrokerStatus } from './broker/broker.js';
import type { ResumeOutcome } from './topics/topic-hub.js';

/** Events a server emits; `Request` is the handshake of its runtime (Node's by default). */
export interface ServerEvents<Ctx, Request = HandshakeRequest> {
  /** A connection was accepted; `request` is what `authenticate` saw. */
  connect: [peer: Peer<Ctx>, request: Request];
  /** A connection closed; every call on it has settled. */
  disconnect: [peer: Peer<Ctx>, info: CloseInfo];
  /**
   * Something failed on the server's side: a handler threw a non-RpcError, or `authenticate`
   * a non-HttpError. A client's own faults (an oversized or malformed frame) are not errors of
   * the server's: they show as the close code in 'disconnect'. Without a listener, each is
   * logged to the `logger` option instead.
   */
  error: [error: unknown, peer: Peer<Ctx> | undefined];
  /** A slow reader made a connection drop pushes, or close (see `backpressure`). */
  backpressure: [peer: Peer<Ctx>, event: BackpressureEvent];
  /** The broker's health changed: 'degraded' while a shared backend is unreachable, 'ok' once back. */
  broker: [status: BrokerStatus];
  /**
   * A subscriber resumed a topic (`server.topic`) from a position, and its replay is done: every
   * event after it was `replayed`, some were gone (`gap`), or the history it counted in was lost
   * (`restarted`); the subscriber was told which. For metrics.
   */
  resume: [topic: string, outcome: ResumeOutcome];
}

/** Counters since the server started, as a plain object. */
export interface ServerStats {
  /** Connections open now. */
  connections: number;
  /** Incoming calls and notifications that reached the server's middleware. */
  calls: number;
  /** Of those, the ones that failed: thrown by a handler or middleware, or refused for rate or shutdown. */
  errors: number;
  /** Bytes read from connection sockets, WebSocket framing and handshakes included. */
  bytesIn: number;
  /** Bytes written to connection sockets, WebSocket framing and handshakes included. */
  bytesOut: number;
  /** Pushes dropped because their reader was too slow. */
  dropped: number;
  /** The broker's health now. */
  broker: BrokerStatus;
}

/** Options for `server.close()`. */
export interface CloseOptions {
  /**
   * Milliseconds that calls already running get to finish; then every connection is closed
   * with 1001 (and terminated if its close handshake is not done within a further second). Default 10000.
   */
  deadline?: number;
  /**
   * Milliseconds over which clients should spread their reconnects: a restart, not a departure.
   * When above 0, connections close with 1012 (service restart) and the reason
   * `{"reconnectWindow":<ms>}`, and Tether's clients wait a random delay within it before
   * reconnecting, so a restarted server is not hit by all of them at once. Default 0: close with 1001.
   */
  reconnectWindow?: number;
}

/** Options for `server.expireCredentials()`. */
export interface ExpireOptions {
  /** Milliseconds the client gets to re-authenticate before its connection closes with 4001; 0 closes at once. Default 10000. */
  grace?: number;
}
