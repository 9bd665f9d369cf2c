import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingTracker } from './typing.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('typing tracker', () => {
  it('shows a typist until the notice expires, renewed by each new notice', () => {
    const changed: string[] = [];
    const typing = new TypingTracker({
      timeoutMs: 3000,
      onChange: (room, name, on) => changed.push(`${on ? '+' : '-'}${name}@${room}`),
    });
    typing.touch('general', 'Ada');
    typing.touch('general', 'Bob');
    typing.touch('random', 'Ada');
    expect(typing.typing('general')).toEqual(['Ada', 'Bob']);
    vi.advanceTimersByTime(2000);
    typing.touch('general', 'Ada'); // renewed: no change to tell of
    expect(changed).toEqual(['+Ada@general', '+Bob@general', '+Ada@random']);
    vi.advanceTimersByTime(1000);
    expect(typing.typing('general')).toEqual(['Ada']);
    expect(typing.typing('random')).toEqual([]);
    vi.advanceTimersByTime(2000);
    expect(typing.typing('general')).toEqual([]);
    expect(changed).toEqual([
      '+Ada@general',
      '+Bob@general',
      '+Ada@random',
      '-Bob@general',
      '-Ada@random',
      '-Ada@general',
    ]);
  });

  it('clears a typist at once when they send, and holds no timer after close', () => {
    const typing = new TypingTracker({ timeoutMs: 3000, onChange: () => undefined });
    typing.touch('general', 'Ada');
    typing.clear('general', 'Ada');
    typing.clear('general', 'Ada');
    expect(typing.typing('general')).toEqual([]);
    typing.touch('general', 'Bob');
    typing.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
