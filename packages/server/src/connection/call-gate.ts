import { ErrorCode, RpcError, type CallContext, type CallGuard, type CallerPeer, type Middleware } from '@tether/core';
import { TokenBucket, type RateLimit } from './token-bucket.js';
import { deniedError, missingGrants, type Grants } from '../access/grants.js';
import { MemoryRateLimitStore, type RateLimitStore } from '../quotas/rate-limit-store.js';
import type { Declarations } from '../access/declarations.js';

export type { RateLimit } from './token-bucket.js';

/** What the gate enforces beside the per-connection rate: access and the per-user rate. */
export interface GatePolicy<Ctx> {
  readonly rateLimit: RateLimit | undefined;
  /** What each method and subscription requires. */
  readonly declarations: Declarations;
  /** The grants of a connection's caller. */
  readonly grants: (data: Ctx) => Grants | undefined;
  /** The user a connection's calls count against, for `callsPerUser`. */
  readonly user: (data: Ctx) => string | undefined;
  /** Calls per user, kept here in this process: a shared store's limit is `userRateMiddleware`'s. */
  readonly callsPerUser: RateLimit | undefined;
}

/**
 * The server's guard, admitting every incoming call and notification before any middleware,
 * synchronously (a middleware would make every call asynchronous): it refuses calls while the
 * server drains, calls whose caller lacks the grants the method requires, and calls over a
 * connection's or (in this process) a user's rate; and it counts calls, failures and those
 * still running, so that shutdown can wait for the last of them.
 */
export class CallGate<Ctx> implements CallGuard<Ctx> {
  calls = 0;
  errors = 0;
  private running = 0;
  private draining = false;
  private idle: (() => void) | undefined;
  /** Weakly held: a bucket goes with its connection's peer. */
  private readonly buckets = new WeakMap<CallerPeer<Ctx>, TokenBucket>();
  /** Per-user buckets, when the limit is this process's alone. */
  private readonly users: MemoryRateLimitStore | undefined;

  constructor(
    private readonly policy: GatePolicy<Ctx>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.users = policy.callsPerUser ? new MemoryRateLimitStore(now) : undefined;
  }

  admit(call: CallContext<Ctx>): RpcError | undefined {
    this.calls++;
    const refusal = this.refusal(call);
    if (refusal) {
      this.errors++;
      return refusal;
    }
    this.running++;
    return undefined;
  }

  authorize(call: CallContext<Ctx>, name: string): RpcError | undefined {
    return this.denial(call, name, this.policy.declarations.subscriptionGrants.get(name));
  }

  settled(_call: CallContext<Ctx>, failed: boolean): void {
    if (failed) this.errors++;
    this.running--;
    if (this.running === 0) this.idle?.();
  }

  /** Refuses every call from now on; resolves once those already running have finished. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idle = resolve;
    });
  }

  /** Forgets the per-user buckets. */
  close(): Promise<void> {
    return this.users?.close() ?? Promise.resolve();
  }

  private refusal(call: CallContext<Ctx>): RpcError | undefined {
    if (this.draining) return new RpcError(ErrorCode.ConnectionClosed, 'tether: server is shutting down');
    const { declarations, rateLimit, callsPerUser } = this.policy;
    if (rateLimit) {
      let bucket = this.buckets.get(call.peer);
      if (!bucket) {
        bucket = new TokenBucket(rateLimit.callsPerSecond, rateLimit.burst ?? rateLimit.callsPerSecond, this.now);
        this.buckets.set(call.peer, bucket);
      }
      const retryAfterMs = bucket.take();
      if (retryAfterMs > 0)
        return rateLimited(`tether: rate limit of ${rateLimit.callsPerSecond} calls/s exceeded`, retryAfterMs);
    }
    if (callsPerUser && this.users) {
      const user = this.policy.user(call.data);
      const retryAfterMs = user === undefined ? 0 : this.users.take(user, callsPerUser);
      if (retryAfterMs > 0) return rateLimited(perUserMessage(callsPerUser), retryAfterMs);
    }
    // Last, so that a flood of refused calls still spends its rate; one size test while no
    // method requires anything, so access control costs nothing unused.
    if (declarations.methodGrants.size === 0) return undefined;
    return this.denial(call, call.method, declarations.methodGrants.get(call.method));
  }

  private denial(call: CallContext<Ctx>, name: string, requires: readonly string[] | undefined): RpcError | undefined {
    if (!requires) return undefined;
    const missing = missingGrants(this.policy.grants(call.data), requires);
    return missing.length > 0 ? deniedError(name, missing) : undefined;
  }
}

/**
 * The per-user limit kept in a shared store (Redis): a middleware, the first of the server's,
 * since the store answers with a promise and the gate must stay synchronous. Only calls of an
 * identified user wait for it; a store that cannot be reached refuses them with -32006 rather
 * than let them through unmetered.
 */
export function userRateMiddleware<Ctx>(
  user: (data: Ctx) => string | undefined,
  limit: RateLimit,
  store: RateLimitStore,
): Middleware<Ctx> {
  const message = perUserMessage(limit);
  return async (call, next) => {
    const key = user(call.data);
    if (key === undefined) return next();
    let retryAfterMs: number;
    try {
      retryAfterMs = await store.take(key, limit);
    } catch (error) {
      if (error instanceof RpcError) throw error;
      throw new RpcError(ErrorCode.Unavailable, 'tether: the per-user rate limit store failed; retry later');
    }
    if (retryAfterMs > 0) throw rateLimited(message, retryAfterMs);
    return next();
  };
}

const perUserMessage = (limit: RateLimit) => `tether: rate limit of ${limit.callsPerSecond} calls/s per user exceeded`;

const rateLimited = (message: string, retryAfterMs: number) =>
  new RpcError(ErrorCode.RateLimited, message, { retryAfterMs });
