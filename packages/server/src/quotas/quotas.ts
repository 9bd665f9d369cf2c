import type { RateLimit } from '../connection/token-bucket.js';
import { HttpError } from '../handshake/http-error.js';
import type { RateLimitStore } from './rate-limit-store.js';

/** Limits across connections: per client address and per user, where the single-connection limits cannot see. */
export interface QuotaOptions<Ctx> {
  /**
   * Who a connection's caller is, read from the context `authenticate` returned: the key of the
   * per-user limits below. A connection it answers undefined for has no per-user limits.
   * Default: the context's `user` or `userId` member, when it is a string.
   */
  user?: (data: Ctx) => string | undefined;
  /** Open connections per client address (the socket's `remoteAddress`); more are refused at upgrade with 429. Default: no limit. */
  connectionsPerAddress?: number;
  /** Open connections per user; more are refused at upgrade with 429. Default: no limit. */
  connectionsPerUser?: number;
  /**
   * Calls per user, summed over all their connections (and, with a shared `store`, over every
   * server using it); excess calls are answered -32003 with `data.retryAfterMs`. Default: no limit.
   */
  callsPerUser?: RateLimit;
  /**
   * Where the per-user call buckets live, to share them between servers: `redisRateLimitStore(...)`
   * from @tether/redis. A store costs one await per call of an identified user (it runs as the
   * server's first middleware); it is not closed by the server. Default: this process's memory,
   * checked synchronously with the other limits.
   */
  store?: RateLimitStore;
}

/** What the quotas read of a handshake: the client's address, under a per-address limit. */
export interface AddressedHandshake {
  readonly remoteAddress: string | undefined;
}

/** Seconds a client refused for too many connections is told to wait (`Retry-After`): a slot frees only when one of its others closes. */
export const CONNECTION_RETRY_AFTER_S = 5;

/** The default `user`: `{ user: string }` or `{ userId: string }`. */
export function contextUser(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { user, userId } = data as { user?: unknown; userId?: unknown };
  if (typeof user === 'string') return user;
  return typeof userId === 'string' ? userId : undefined;
}

/**
 * Open connections per address and per user. A key is dropped when its count returns to 0, so
 * memory follows the connections open now.
 */
export class ConnectionQuotas {
  private readonly byAddress = new Map<string, number>();
  private readonly byUser = new Map<string, number>();

  constructor(
    private readonly perAddress: number,
    private readonly perUser: number,
  ) {}

  /**
   * Why one more connection from the handshake's address for `user` is refused (429), if it is.
   * The address is read only under a per-address limit: on Node, reading it makes the socket keep
   * its peer's name, some 90 bytes per connection that nothing else needs.
   */
  refusal(handshake: AddressedHandshake, user: string | undefined): HttpError | undefined {
    const address = this.addressOf(handshake);
    if (address !== undefined && (this.byAddress.get(address) ?? 0) >= this.perAddress) {
      return tooMany(`Too many connections from this address (limit ${this.perAddress})`);
    }
    if (user !== undefined && (this.byUser.get(user) ?? 0) >= this.perUser) {
      return tooMany(`Too many connections for this user (limit ${this.perUser})`);
    }
    return undefined;
  }

  /** Counts an open connection; the returned function uncounts it, once. */
  hold(handshake: AddressedHandshake, user: string | undefined): () => void {
    // Counted only where a limit applies: without one, a key would cost memory for nothing.
    const address = this.addressOf(handshake);
    if (this.perUser === Infinity) user = undefined;
    if (address !== undefined) bump(this.byAddress, address, 1);
    if (user !== undefined) bump(this.byUser, user, 1);
    // Without a limit there is nothing to uncount: no closure for each connection.
    if (address === undefined && user === undefined) return nothingHeld;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (address !== undefined) bump(this.byAddress, address, -1);
      if (user !== undefined) bump(this.byUser, user, -1);
    };
  }

  private addressOf(handshake: AddressedHandshake): string | undefined {
    return this.perAddress === Infinity ? undefined : handshake.remoteAddress;
  }
}

const nothingHeld = (): void => undefined;

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}

const tooMany = (message: string) =>
  new HttpError(429, `${message}; retry after ${CONNECTION_RETRY_AFTER_S} s or close another`, {
    'Retry-After': String(CONNECTION_RETRY_AFTER_S),
  });
