import { ErrorCode } from '@tether/core';
import { HttpError } from '@tether/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UserLimiter } from './user-limits.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('UserLimiter', () => {
  it('refuses a user past their connections with 429, and frees each slot once', () => {
    const limits = new UserLimiter({ connections: 2 });
    const first = limits.connected('ada')!;
    limits.connected('ada');
    expect(() => limits.checkConnection('ada')).toThrow(HttpError);
    expect(() => limits.checkConnection('ada')).toThrow(expect.objectContaining({ status: 429 }));
    expect(limits.connected('ada')).toBeUndefined();
    limits.checkConnection('bob');
    first();
    first();
    limits.checkConnection('ada');
    expect(limits.connected('ada')).toBeDefined();
    expect(() => limits.checkConnection('ada')).toThrow(HttpError);
  });

  it('takes calls from a bucket per user, refusing with -32002 and when to retry', () => {
    vi.useFakeTimers();
    const limits = new UserLimiter({ callsPerSecond: 10, burst: 3 });
    for (let i = 0; i < 3; i++) limits.admitCall('ada', 'math.add');
    expect(() => limits.admitCall('ada', 'math.add')).toThrow(
      expect.objectContaining({ code: ErrorCode.Overloaded, data: { retryAfterMs: 100 }, message: expect.stringContaining('math.add') }),
    );
    limits.admitCall('bob', 'math.add');
    vi.advanceTimersByTime(100);
    limits.admitCall('ada', 'math.add');
  });

  it('forgets the buckets of users whose bucket has refilled', () => {
    vi.useFakeTimers();
    const limits = new UserLimiter({ callsPerSecond: 10, burst: 10 });
    vi.advanceTimersByTime(2000);
    for (let i = 0; i < 100; i++) limits.admitCall(`user${i}`, 'm');
    expect(limits.tracked).toBe(100);
    vi.advanceTimersByTime(1500);
    for (let i = 0; i < 10; i++) limits.admitCall('busy', 'm');
    expect(limits.tracked).toBe(1);
    expect(() => limits.admitCall('busy', 'm')).toThrow(expect.objectContaining({ code: ErrorCode.Overloaded }));
  });
});
