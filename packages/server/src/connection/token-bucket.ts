/** A call rate, enforced as a token bucket: per connection (`rateLimit`) or per user (`quotas.callsPerUser`). */
export interface RateLimit {
  /** Calls per second that may be sustained. */
  callsPerSecond: number;
  /** Calls that may be made at once after a quiet spell. Default: `callsPerSecond`. */
  burst?: number;
}

/**
 * A token bucket: `burst` calls at once, refilled at `perSecond`. Time comes from `now`
 * (milliseconds), so tests can drive it without waiting.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Whether the bucket has refilled to its burst: as good as a new one, so a store may forget it. */
  get full(): boolean {
    return this.tokens + ((this.now() - this.last) * this.perSecond) / 1000 >= this.burst;
  }

  /** Takes one token: 0 when one was there, else the milliseconds until one will be. */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perSecond) / 1000);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }
}
