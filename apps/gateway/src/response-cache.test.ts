import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResponseCache } from './response-cache.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('ResponseCache', () => {
  it('answers equal calls within the TTL from one load, and loads again after it', async () => {
    vi.useFakeTimers();
    const cache = new ResponseCache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('m', { n: 1 }, 1000, load), cache.get('m', { n: 1 }, 1000, load)])).toEqual([
      1, 1,
    ]);
    expect(await cache.get('m', { n: 2 }, 1000, load)).toBe(2);
    vi.advanceTimersByTime(1001);
    expect(await cache.get('m', { n: 1 }, 1000, load)).toBe(3);
    expect([cache.hits, cache.misses]).toEqual([1, 3]);
  });

  it('keeps no failure, so the next call tries again', async () => {
    const cache = new ResponseCache();
    await expect(cache.get('m', [], 1000, () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await Promise.resolve();
    expect(cache.size).toBe(0);
    await expect(cache.get('m', [], 1000, async () => 'up')).resolves.toBe('up');
  });

  it('holds at most maxEntries, dropping the oldest', async () => {
    const cache = new ResponseCache(2);
    for (let i = 0; i < 5; i++) await cache.get('m', [i], 60_000, async () => i);
    expect(cache.size).toBe(2);
    let loaded = false;
    await cache.get('m', [0], 60_000, async () => ((loaded = true), 0));
    expect(loaded).toBe(true);
  });
});
