import { ErrorCode, RpcError, type CallContext, type CallGuard, type CallerPeer } from '@tether/core';
import { TokenBucket } from './token-bucket.js';

/** A per-connection call rate, enforced as a token bucket. */
export interface RateLimit {
  /** Calls per second a connection may sustain. */
  callsPerSecond: number;
  /** Calls a connection may make at once after a quiet spell. Default: `callsPerSecond`. */
  burst?: number;
}

/**
 * The server's guard, admitting every incoming call and notification before any middleware,
 * synchronously (a middleware would make every call asynchronous): it
 * refuses calls while the server drains and calls over a connection's rate, and counts calls,
 * failures and those still running, so that shutdown can wait for the last of them.
 */
export class CallGate<Ctx> implements CallGuard<Ctx> {
  calls = 0;
  errors = 0;
  private running = 0;
  private draining = false;
  private idle: (() => void) | undefined;
  /** Weakly held: a bucket goes with its connection's peer. */
  private readonly buckets = new WeakMap<CallerPeer<Ctx>, TokenBucket>();

  constructor(
    private readonly rateLimit: RateLimit | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  admit(call: CallContext<Ctx>): RpcError | undefined {
    this.calls++;
    const refusal = this.refusal(call.peer);
    if (refusal) {
      this.errors++;
      return refusal;
    }
    this.running++;
    return undefined;
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

  private refusal(peer: CallerPeer<Ctx>): RpcError | undefined {
    if (this.draining) return new RpcError(ErrorCode.ConnectionClosed, 'tether: server is shutting down');
    const limit = this.rateLimit;
    if (!limit) return undefined;
    let bucket = this.buckets.get(peer);
    if (!bucket) {
      bucket = new TokenBucket(limit.callsPerSecond, limit.burst ?? limit.callsPerSecond, this.now);
      this.buckets.set(peer, bucket);
    }
    const retryAfterMs = bucket.take();
    if (retryAfterMs === 0) return undefined;
    return new RpcError(
      ErrorCode.RateLimited,
      `tether: rate limit of ${limit.callsPerSecond} calls/s exceeded`,
      { retryAfterMs },
    );
  }
}
