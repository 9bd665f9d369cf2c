import type { Params, PeerOptions } from '@tether/core';
import type { HeartbeatOptions } from './heartbeat.js';
import type { BackoffOptions } from './reconnect/backoff.js';
import type { DisconnectInfo } from './reconnect/policy.js';
import type { Schedule } from './reconnect/schedule.js';
import type { WebSocketConstructor } from './socket/types.js';

/** How the client reconnects after a drop or a failed connect. */
export interface ReconnectOptions extends BackoffOptions {
  /**
   * Failed attempts in a row after which the client gives up and closes (a successful open
   * starts the count again); 0 never reconnects. Default Infinity.
   */
  maxRetries?: number;
  /** Whether a disconnect is worth another attempt. Default: `isRetryable` (1008, 44xx and HTTP 4xx stop). */
  retryable?: (info: DisconnectInfo) => boolean;
}

/**
 * A value, or a function (sync or async) asked for it before every connect and reconnect: how a
 * refreshed token gets into the URL or the subprotocols.
 */
export type Fresh<T> = T | (() => T | Promise<T>);

/**
 * Options of `connect`: those of the client's peer (timeout, maxQueued, …, with the peer's
 * defaults), the socket's, and the reconnect policy.
 */
export interface ClientOptions<Ctx> extends Omit<PeerOptions<Ctx>, 'persistent' | 'offlineReason'> {
  /**
   * WebSocket subprotocols to offer, or a function asked for them before every attempt (a token
   * can travel as one, where the server expects it: browsers cannot set headers). Default: none.
   */
  protocols?: Fresh<string | string[]>;
  /**
   * Credentials for re-authenticating on the open connection: asked for afresh, and sent as the
   * params of `rpc.authenticate`, each time the server says they expired (`rpc.credentialsExpired`)
   * and on `client.reauthenticate()`. The credentials of a connect travel in the handshake
   * instead (`url` or `protocols` as functions). Default: none; expired credentials then end the
   * connection (4001) and the client reconnects.
   */
  auth?: () => Params | Promise<Params>;
  /**
   * The WebSocket class to use. Default: `ws` on Node, the global WebSocket in browsers
   * (picked by the package's `browser` import condition, not by sniffing the runtime).
   */
  WebSocket?: WebSocketConstructor;
  /** Milliseconds an opening socket may take before it is abandoned and retried; 0 waits forever. Default 10000. */
  connectTimeout?: number;
  /** The reconnect policy. Default: retry forever, 500 ms base delay, 30 s cap. */
  reconnect?: ReconnectOptions;
  /**
   * How a half-open link (no close arrives, nothing is delivered) is noticed: after an `interval`
   * in which nothing arrived the client sends `$/ping`, and when nothing arrives within `timeout`
   * more it drops the socket (close code 4408) and reconnects, resuming its subscriptions. A dead
   * link is noticed within 2 × interval + timeout: 40 s by default. `false` turns it off.
   * Default `{ interval: 15000, timeout: 10000 }`.
   */
  heartbeat?: HeartbeatOptions | false;
  /** Runs the client's timers (reconnect delays, connect timeout, heartbeat). Default: setTimeout. */
  schedule?: Schedule;
}
