import type { Logger, Reauthenticate } from '@tether/core';
import type { Broker } from '../broker/broker.js';
import type { RateLimit } from '../connection/call-gate.js';
import type { HandshakeRequest } from '../handshake/request.js';
import type { PresenceStore } from '../presence/presence-store.js';
import { resolveGovernance, type Governance, type GovernanceOptions } from './governance.js';
import type { BackpressurePolicy } from '../transport/backpressure.js';

/**
 * Decides whether an upgrade request may connect, and returns the connection's context
 * (handlers see it as `this.data`). Throw an HttpError to answer 401, 403 or any status;
 * anything else thrown answers 500 and is reported as an 'error' event.
 */
export type Authenticate<Ctx, Request = HandshakeRequest> = (request: Request) => Ctx | Promise<Ctx>;

/**
 * Options of a server on every runtime (Node, Bun, Deno, Workers), with the same defaults
 * everywhere; every limit has a default safe for untrusted clients. `Request` is the handshake
 * `authenticate` sees on that runtime.
 */
export interface SharedOptions<Ctx, Request> extends GovernanceOptions<Ctx> {
  /**
   * The only path upgraded, e.g. '/rpc'. On Node, requests for other paths are left to the HTTP
   * server's other 'upgrade' listeners (or answered 404 when the server is our own); on Bun, Deno
   * and Workers they are answered 404. Default: every path.
   */
  path?: string;
  /**
   * Where topics live. Default: a MemoryBroker of this server's own (1000 events of history per
   * topic), closed with the server; pass `redisBroker(...)` from @tether/redis to share topics
   * between processes. A broker passed in is not closed by the server.
   */
  broker?: Broker;
  /**
   * Where presence lives (`server.presence(topic)`). Default: a MemoryPresence of this server's
   * own, closed with the server; pass `redisPresence(...)` from @tether/redis to share presence
   * between processes. A store passed in is not closed by the server.
   */
  presence?: PresenceStore;
  /** Checks each upgrade and returns the connection's context. Default: everyone, with an undefined context. */
  authenticate?: Authenticate<Ctx, Request>;
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
  /** Largest incoming message in bytes; a larger one closes the connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Longest incoming batch; a longer one runs none of its entries, and each request in it is answered -32600. Default 100. */
  maxBatch?: number;
  /**
   * Incoming calls running at once per connection; more are answered -32002. It bounds what
   * handlers hold while they run; their results are bounded by `maxBufferedBytes`. Default 1000.
   */
  maxInFlight?: number;
  /**
   * Subscriptions open at once per connection, those whose handler is still running included;
   * the next `rpc.subscribe` is answered -32002 with `data.limit` until one ends. Default 1000.
   */
  maxSubscriptions?: number;
  /** Calls per connection over time; excess calls are answered -32003 with `data.retryAfterMs`. Default: no limit. */
  rateLimit?: RateLimit;
  /** Bytes queued for a connection's socket beyond which its reader counts as slow, where the runtime tells. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * For a slow reader: pushes are always dropped (and counted in `stats.dropped`); responses
   * and calls still go under 'drop', and close the connection with 1013 under 'close'. Default 'drop'.
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

/** The shared options with every default filled in, but the broker and presence store, which the server makes. */
export interface SharedSettings<Ctx, Request> {
  readonly path: string | undefined;
  readonly authenticate: Authenticate<Ctx, Request> | undefined;
  readonly reauthenticate: Reauthenticate<Ctx> | undefined;
  readonly origins: ReadonlySet<string> | undefined;
  readonly maxConnections: number;
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

/** Fills in the defaults of every runtime's options: the one place a shared option gets its default. */
export function resolveSharedSettings<Ctx, Request>(
  options: SharedOptions<Ctx, Request>,
): SharedSettings<Ctx, Request> {
  return {
    path: options.path,
    authenticate: options.authenticate,
    reauthenticate: options.reauthenticate,
    origins: options.origins ? new Set(options.origins) : undefined,
    maxConnections: options.maxConnections ?? 10_000,
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
