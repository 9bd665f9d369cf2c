import { ErrorCode, RpcError } from '@tether/core';
import { HttpError } from '@tether/server';

/** How often refilled buckets are dropped, at most, in ms: one pass over them a second bounds the map by the users active within it. */
const SWEEP_MS = 1000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-user limits across that user's connections to this gateway: open connections, and calls
 * by token bucket. Gateway-local (one process): issue 16's per-user quotas in @tether/server
 * (through Redis across processes) replace it when they land; `checkConnection`, `connected`
 * and `admitCall` are the only places that ask.
 */
export class UserLimiter {
  readonly #connections = new Map<string, number>();
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxConnections: number;
  readonly #rate: number;
  readonly #burst: number;
  #sweptAt = 0;

  constructor(options: { connections?: number; callsPerSecond?: number; burst?: number } = {}) {
    this.#maxConnections = options.connections ?? 5;
    this.#rate = options.callsPerSecond ?? 50;
    this.#burst = options.burst ?? 100;
  }

  /** Refuses an upgrade with HTTP 429 when `user` already holds the most connections allowed. */
  checkConnection(user: string): void {
    const open = this.#connections.get(user) ?? 0;
    if (open >= this.#maxConnections) {
      throw new HttpError(429, `gateway: ${user} already has ${open} connections open (limit ${this.#maxConnections})`);
    }
  }

  /**
   * Counts an open connection of `user`, once it is open (a handshake that dies after
   * `checkConnection` counts nothing); undefined when two handshakes raced past the limit, for
   * the caller to close that one. The returned function gives the slot back, once.
   */
  connected(user: string): (() => void) | undefined {
    const open = this.#connections.get(user) ?? 0;
    if (open >= this.#maxConnections) return undefined;
    this.#connections.set(user, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.#connections.get(user) ?? 1) - 1;
      if (n > 0) this.#connections.set(user, n);
      else this.#connections.delete(user);
    };
  }

  /** Takes a call from `user`'s bucket, or throws -32002 with `retryAfterMs`. */
  admitCall(user: string, method: string): void {
    const now = performance.now();
    if (now - this.#sweptAt > SWEEP_MS) this.#sweep(now);
    const bucket = this.#buckets.get(user) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
    bucket.at = now;
    this.#buckets.set(user, bucket);
    if (bucket.tokens < 1) {
      const retryAfterMs = Math.ceil(((1 - bucket.tokens) / this.#rate) * 1000);
      throw new RpcError(ErrorCode.Overloaded, `gateway: ${user} is over ${this.#rate} calls/s (${method}); retry in ${retryAfterMs} ms`, {
        retryAfterMs,
      });
    }
    bucket.tokens -= 1;
  }

  /** Drops the buckets that have refilled: a full bucket is what a new one is, so keeping it only costs memory. */
  #sweep(now: number): void {
    this.#sweptAt = now;
    for (const [user, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.#rate >= this.#burst) this.#buckets.delete(user);
    }
  }

  /** Users with a connection open or a bucket not yet swept: what a leak check looks at. */
  get tracked(): number {
    return new Set([...this.#connections.keys(), ...this.#buckets.keys()]).size;
  }
}
