import { TokenBucket, type RateLimit } from '../connection/token-bucket.js';

/**
 * Where per-user call buckets live: the seam between the server's per-user limit and what
 * shares it. The default is this process's memory; `redisRateLimitStore` from @tether/redis
 * shares each user's bucket between every server using the same Redis.
 */
export interface RateLimitStore {
  /**
   * Takes one call from `key`'s bucket under `limit`: 0 when the call may go ahead, else the
   * milliseconds until it could. A store on a shared backend answers with a promise, and
   * rejects when the backend cannot be reached (the call is then refused with -32006).
   */
  take(key: string, limit: RateLimit): number | Promise<number>;
  /** Releases the store's resources. A store passed to a server is not closed by it. */
  close(): Promise<void>;
}

/** How often idle buckets are swept, at most. */
const SWEEP_MS = 10_000;

/**
 * The default store: a token bucket per key in this process. A bucket that has refilled to its
 * burst is as good as none, so the sweep forgets it: memory holds only the keys that called
 * within the last refill time.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, TokenBucket>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Buckets held now, for tests and stats. */
  get size(): number {
    return this.buckets.size;
  }

  take(key: string, limit: RateLimit): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit.callsPerSecond, limit.burst ?? limit.callsPerSecond, this.now);
      this.buckets.set(key, bucket);
      if (!this.timer) {
        this.timer = setInterval(() => this.sweep(), SWEEP_MS);
        // Node's timer would keep the process alive for the sweep alone; Deno's and workerd's are numbers.
        (this.timer as { unref?: () => void }).unref?.();
      }
    }
    return bucket.take();
  }

  /** Forgets every bucket that has refilled; stops the timer once none is left. */
  sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.full) this.buckets.delete(key);
    if (this.buckets.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.buckets.clear();
  }
}
