/** How long to wait between reconnect attempts. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay in ms; each retry doubles it. Default 500. */
  baseDelay?: number;
  /** Largest ceiling in ms, however many retries came before. Default 30000. */
  maxDelay?: number;
  /** A number in [0, 1); injectable so that tests are deterministic. Default Math.random. */
  random?: () => number;
}

/**
 * The delay before retry number `retry` (0 for the first): exponential backoff with full
 * jitter, `random(0, min(maxDelay, max(window, baseDelay * 2^retry)))`. Full jitter spreads a
 * crowd of clients that lost the same server over the whole window instead of bunching them at
 * its end; `window` is the one a restarting server asked for (see `reconnectWindow`), 0 if none.
 */
export function backoffDelay(retry: number, options: BackoffOptions = {}, window = 0): number {
  const base = options.baseDelay ?? 500;
  const cap = options.maxDelay ?? 30_000;
  const random = options.random ?? Math.random;
  // 2^retry overflows to Infinity for very large retry counts; min() keeps it at the cap.
  const ceiling = Math.min(cap, Math.max(window, base * 2 ** retry));
  return Math.floor(random() * ceiling);
}
