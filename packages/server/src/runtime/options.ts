import type { Logger } from '@tether/core';
import type { RateLimit } from '../connection/call-gate.js';
import type { Broker } from '../broker/broker.js';
import type { HandshakeRequest } from '../handshake/request.js';
import type { BackpressurePolicy } from '../transport/ws-transport.js';
import { resolveGovernance, type Governance, type GovernanceOptions } from '../acceptor/governance.js';

/** The handshake of a fetch-style runtime (Bun, Deno, Workers): the raw request is the fetch `Request`. */
export type FetchHandshake = HandshakeRequest<Request>;

/**
 * Options of a server on Bun, Deno or Workers: the same limits, with the same defaults, as
 * Node's `createServer`, less what the runtime does itself (see each adapter's README).
 */
export interface RuntimeServerOptions<Ctx> extends GovernanceOptions<Ctx> {
  /** The only path upgraded, e.g. '/rpc'; other paths are answered 404. Default: every path. */
  path?: string;
  /** Where topics live. Default: a MemoryBroker of this server's own, closed with it. */
  broker?: Broker;
  /**
   * Checks each upgrade and returns the connection's context; throw an HttpError to answer
   * 401, 403 or any status (anything else answers 500). Default: everyone, with an undefined context.
   */
  authenticate?: (request: FetchHandshake) => Ctx | Promise<Ctx>;
  /** Browser origins allowed to connect; others are refused with 403, requests without Origin let through. Default: any. */
  origins?: readonly string[];
  /** Open connections (handshakes in progress included) beyond which upgrades are refused with 503. Default 10000. */
  maxConnections?: number;
  /** Largest incoming message in bytes; a larger one closes the connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Longest incoming batch; a longer one is answered with one -32600 error. Default 100. */
  maxBatch?: number;
  /** Incoming calls running at once per connection; more are answered -32002. Default 1000. */
  maxInFlight?: number;
  /** Subscriptions open at once per connection, opening ones included; more are answered -32002. Default 1000. */
  maxSubscriptions?: number;
  /** Calls per connection over time; excess calls are answered -32003 with `data.retryAfterMs`. Default: no limit. */
  rateLimit?: RateLimit;
  /** Bytes queued for a connection beyond which its reader counts as slow, where the runtime tells. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** For a slow reader: pushes are dropped; other messages still go ('drop') or close with 1013 ('close'). Default 'drop'. */
  backpressure?: BackpressurePolicy;
  /** Default timeout in ms for the server's calls to clients; 0 disables. Default 30000. */
  timeout?: number;
  /** Where a failure of the server's own is logged, with its stack, when no 'error' listener takes it. Default `console`. */
  logger?: Logger;
}

/** The options with every default filled in. */
export interface RuntimeSettings<Ctx> {
  readonly path: string | undefined;
  readonly authenticate: ((request: FetchHandshake) => Ctx | Promise<Ctx>) | undefined;
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

export function resolveRuntimeSettings<Ctx>(options: RuntimeServerOptions<Ctx>): RuntimeSettings<Ctx> {
  return {
    path: options.path,
    authenticate: options.authenticate,
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
