import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const top = () => 0.999_999;

describe('backoffDelay', () => {
  it('doubles the ceiling with each retry', () => {
    const ceilings = [0, 1, 2, 3, 4].map((retry) => backoffDelay(retry, { baseDelay: 100, random: top }));
    expect(ceilings).toEqual([99, 199, 399, 799, 1599]);
  });

  it('never exceeds the cap, even after very many retries', () => {
    expect(backoffDelay(10, { baseDelay: 100, maxDelay: 5000, random: top })).toBe(4999);
    expect(backoffDelay(5000, { baseDelay: 100, maxDelay: 5000, random: top })).toBe(4999);
  });

  it('spreads the delay over the whole window (full jitter)', () => {
    expect(backoffDelay(3, { baseDelay: 100, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { baseDelay: 100, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(3, { baseDelay: 100, random: () => 0.25 })).toBe(200);
  });

  it('uses a 500 ms base and a 30 s cap by default', () => {
    expect(backoffDelay(0, { random: top })).toBe(499);
    expect(backoffDelay(20, { random: top })).toBe(29_999);
  });

  it("widens the first retries to a restarting server's window, still capped by maxDelay", () => {
    expect(backoffDelay(0, { random: top }, 10_000)).toBe(9_999);
    expect(backoffDelay(0, { random: () => 0.5 }, 10_000)).toBe(5_000);
    expect(backoffDelay(0, { random: top }, 60_000)).toBe(29_999);
    // A window shorter than the backoff ceiling changes nothing.
    expect(backoffDelay(4, { baseDelay: 100, random: top }, 50)).toBe(1599);
  });
});
