import type { Server as HttpServer } from 'node:http';
import type { HandshakeRequest } from './handshake/request.js';
import type { RateLimit } from './connection/call-gate.js';
import type { BackpressurePolicy } from './transport/ws-transport.js';
import type { Broker } from './broker/broker.js';
import type { Logger, Reauthenticate } from '@tether/core';
import type { PresenceStore } from './presence/presence-store.js';
import { resolveGovernance, type Governance, type GovernanceOptions } from './acceptor/governance.js';

/**
 * Decides whether an upgrade request may connect, and returns the connection's context
 * (handlers see it as `this.data`). Throw an HttpError to answer 401, 403 or any status;
 * anything else thrown answers 500 and is reported as an 'error' event.
 */
export type Authenticate<Ctx> = (request: HandshakeRequest) => Ctx | Promise<Ctx>;

/** The server runs its own HTTP server, on a port. */
export interface ListenOptions {
  /** The TCP port; 0 picks a free one (read it back from `server.port`). */
  port: number;
  /**
   * The interface to listen on. Default '127.0.0.1': a server is reachable from other machines
   * only when asked to be ('0.0.0.0' or '::'), as it usually sits behind a proxy in production.
   */
  host?: string;
  /** Not with `port`: pass one or the other. */
  server?: never;
}

/** The server takes WebSocket upgrades on an existing HTTP server, beside whatever else it serves. */
export interface AttachOptions {
  /** The HTTP(S) server whose upgrades on `path` become connections; other paths are left untouched. */
  server: HttpServer;
  /** Not with `server`: the HTTP server already listens where it does. */
  port?: never;
  /** Not with `server`. */
  host?: never;
}

/** Options shared by both ways of running a server; every limit has a default safe for untrusted clients. */
export interface CommonOptions<Ctx> extends GovernanceOptions<Ctx> {
  /**
   * The only path upgraded, e.g. '/rpc'. Upgrades for other paths are answered 404 on the
   * server's own HTTP server; attached to yours, they are left to its other 'upgrade' listeners
   * (see `unclaimedUpgradeTimeout`), or answered 404 at once when there are none. Default: every path.
   */
  path?: string;
  /**
   * Attached with a `path`, beside other 'upgrade' listeners: milliseconds they get to take an
   * upgrade for another path (write to its socket, read from it, or end it) before it is
   * answered 404 and closed, so that an upgrade nobody serves does not hold a socket open.
   * Raise it if one of your listeners decides slowly. Default 1000.
   */
  unclaimedUpgradeTimeout?: number;
  /**
   * Where topics live. Default: a MemoryBroker of this process (1000 events of history per
   * topic), closed with the server; pass `redisBroker(...)` from @tether/redis to share topics
   * between processes. A broker passed in is not closed by the server.
   */
  broker?: Broker;
  /**
   * Where presence lives (`server.presence(topic)`). Default: a MemoryPresence of this process,
   * closed with the server; pass `redisPresence(...)` from @tether/redis to share presence
   * between processes. A store passed in is not closed by the server.
   */
  presence?: PresenceStore;
  /** Checks each upgrade and returns the connection's context. Default: everyone, with an undefined context. */
  authenticate?: Authenticate<Ctx>;
  /**
   * Serves `rpc.authenticate`: checks credentials a client sends on a live connection, given the
   * connection's current context, and returns its new one (`this.data` for calls from then on;
   * calls already running keep theirs, subscriptions stay open). Throw to refuse: the client is
   * answered -32004 and the connection closed with 4401. Default: not served (-32601).
   */
  reauthenticate?: Reauthenticate<Ctx>;
  /**
   * Browser origins allowed to connect (exact `Origin` values, e.g. 'https://app.example.com');
   * others are refused with 403. Requests without an Origin header (non-browser clients, which
   * could send any Origin anyway) are let through to `authenticate`. Default: any origin.
   */
  origins?: readonly string[];
  /** Open connections (handshakes in progress included) beyond which upgrades are refused with 503. Default 10000. */
  maxConnections?: number;
  /**
   * Milliseconds between pings; a connection whose last ping got no pong by the next is terminated.
   * A client that reads too slowly to get through its queue within an interval counts as dead too,
   * as its ping waits behind the unread data. 0 disables. Default 30000.
   */
  heartbeatInterval?: number;
  /** Largest incoming message in bytes; a larger one closes the connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Longest incoming batch; a longer one runs none of its entries, and each request in it is answered -32600. Default 100. */
  maxBatch?: number;
  /**
   * Incoming calls running at once per connection; more are answered -32002. Also bounds the
   * answers a slow reader can have in memory beyond `maxBufferedBytes`: lower it when handlers
   * return large results asynchronously. Default 1000.
   */
  maxInFlight?: number;
  /**
   * Subscriptions open at once per connection, those whose handler is still running included;
   * the next `rpc.subscribe` is answered -32002 with `data.limit` until one ends. Default 1000.
   */
  maxSubscriptions?: number;
  /** Calls per connection over time; excess calls are answered -32003 with `data.retryAfterMs`. Default: no limit. */
  rateLimit?: RateLimit;
  /**
   * Bytes queued for a connection's socket beyond which its reader counts as slow: the server
   * stops reading from it, and holds the messages it had already read, unrun, until the queue
   * drains. A connection's memory stays within this, one answer beyond it, and the answers of
   * calls already running (at most `maxInFlight`): see docs/protocol.md. Default 1 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * For a slow reader: pushes are always dropped (and counted in `stats.dropped`); responses
   * and calls still go under 'drop', and close the connection with 1013 under 'close', after
   * which nothing more the client sends is run. Default 'drop'.
   */
  backpressure?: BackpressurePolicy;
  /** Default timeout in ms for the server's calls to clients; 0 disables. Default 30000. */
  timeout?: number;
  /**
   * Where a failure of the server's own (a handler throwing a non-RpcError, `authenticate` a
   * non-HttpError) is logged, once with its stack, when no 'error' listener takes it. Default `console`.
   */
  logger?: Logger;
}

/** Options for `createServer`: a port to listen on, or an HTTP server to attach to, plus the common options. */
export type ServerOptions<Ctx> = CommonOptions<Ctx> & (ListenOptions | AttachOptions);

/** The options with every default filled in. */
export interface Settings<Ctx> {
  readonly path: string | undefined;
  readonly unclaimedUpgradeTimeout: number;
  readonly authenticate: Authenticate<Ctx> | undefined;
  readonly reauthenticate: Reauthenticate<Ctx> | undefined;
  readonly origins: ReadonlySet<string> | undefined;
  readonly maxConnections: number;
  readonly heartbeatInterval: number;
  readonly maxPayload: number;
  readonly maxBatch: number;
  readonly maxInFlight: number;
  readonly maxSubscriptions: number;
  readonly rateLimit: RateLimit | undefined;
  readonly maxBufferedBytes: number;
  readonly backpressure: BackpressurePolicy;
  readonly timeout: number;
  readonly logger: Logger;
  readonly governance: Governance<Ctx>;
}

const MiB = 1024 * 1024;

export function resolveSettings<Ctx>(options: CommonOptions<Ctx>): Settings<Ctx> {
  return {
    path: options.path,
    unclaimedUpgradeTimeout: options.unclaimedUpgradeTimeout ?? 1000,
    authenticate: options.authenticate,
    reauthenticate: options.reauthenticate,
    origins: options.origins ? new Set(options.origins) : undefined,
    maxConnections: options.maxConnections ?? 10_000,
    heartbeatInterval: options.heartbeatInterval ?? 30_000,
    maxPayload: options.maxPayload ?? MiB,
    maxBatch: options.maxBatch ?? 100,
    maxInFlight: options.maxInFlight ?? 1000,
    maxSubscriptions: options.maxSubscriptions ?? 1000,
    rateLimit: options.rateLimit,
    maxBufferedBytes: options.maxBufferedBytes ?? MiB,
    backpressure: options.backpressure ?? 'drop',
    timeout: options.timeout ?? 30_000,
    logger: options.logger ?? console,
    governance: resolveGovernance(options),
  };
}
