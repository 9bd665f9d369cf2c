import { contextGrants, type AccessOptions, type Grants } from '../access/grants.js';
import type { RateLimit } from '../connection/token-bucket.js';
import type { DiscoveryOptions } from '../discovery/openrpc.js';
import { contextUser, type QuotaOptions } from '../quotas/quotas.js';
import type { RateLimitStore } from '../quotas/rate-limit-store.js';

/** Discovery, access control and the limits across connections: the options every runtime's server shares. */
export interface GovernanceOptions<Ctx> {
  /**
   * `rpc.discover`, answering an OpenRPC document of what the server serves (and what the caller
   * may use of it). `false` leaves it unserved (-32601). Default: served, with the default options.
   */
  discovery?: boolean | DiscoveryOptions;
  /** How to read a caller's grants, for methods and subscriptions that `requires` some. Default: see `AccessOptions`. */
  access?: AccessOptions<Ctx>;
  /** Limits per client address and per user, across connections. Default: none. */
  quotas?: QuotaOptions<Ctx>;
}

/** The governance options with every default filled in. */
export interface Governance<Ctx> {
  readonly discovery: DiscoveryOptions | undefined;
  readonly grants: (data: Ctx) => Grants | undefined;
  readonly user: (data: Ctx) => string | undefined;
  readonly connectionsPerAddress: number;
  readonly connectionsPerUser: number;
  readonly callsPerUser: RateLimit | undefined;
  /** A shared store for `callsPerUser`; undefined keeps the buckets in the gate. */
  readonly store: RateLimitStore | undefined;
}

export function resolveGovernance<Ctx>(options: GovernanceOptions<Ctx>): Governance<Ctx> {
  const quotas = options.quotas ?? {};
  const { callsPerUser } = quotas;
  if (callsPerUser) checkRate('quotas.callsPerUser', callsPerUser);
  return {
    discovery: options.discovery === false ? undefined : options.discovery === true ? {} : (options.discovery ?? {}),
    grants: options.access?.grants ?? contextGrants,
    user: quotas.user ?? contextUser,
    connectionsPerAddress: limit('quotas.connectionsPerAddress', quotas.connectionsPerAddress),
    connectionsPerUser: limit('quotas.connectionsPerUser', quotas.connectionsPerUser),
    callsPerUser,
    store: quotas.store,
  };
}

function limit(name: string, value: number | undefined): number {
  if (value === undefined) return Infinity;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`tether: ${name} must be a positive integer, got ${value}`);
  return value;
}

function checkRate(name: string, rate: RateLimit): void {
  if (!(rate.callsPerSecond > 0))
    throw new RangeError(`tether: ${name}.callsPerSecond must be above 0, got ${rate.callsPerSecond}`);
  if (rate.burst !== undefined && !(rate.burst >= 1))
    throw new RangeError(`tether: ${name}.burst must be at least 1, got ${rate.burst}`);
}
