import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatErrorCode } from '../../shared/errors.js';
import { Sessions, type Session } from './sessions.js';

function setup(graceMs = 1000) {
  let n = 0;
  const expired: string[] = [];
  const sessions = new Sessions({
    graceMs,
    newId: () => `s${++n}`,
    onExpire: (s) => expired.push(s.name),
  });
  const start = (name: string): Session => {
    const started = sessions.start(name);
    if (!started.ok) throw started.error;
    return started.value;
  };
  return { sessions, expired, start };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('sessions', () => {
  it('refuses a name someone holds, whatever its case, with NameTaken naming it', () => {
    const { sessions, start } = setup();
    start('Ada');
    const again = sessions.start('ada');
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.error.code).toBe(ChatErrorCode.NameTaken);
    expect(again.error.message).toBe('The name "ada" is taken. Pick another one.');
  });

  it('keeps a session with a connection bound, and starts its grace once the last one is gone', () => {
    vi.useFakeTimers();
    const { sessions, start, expired } = setup(1000);
    const ada = start('Ada');
    const tab1 = {};
    const tab2 = {};
    sessions.connect(ada, tab1);
    sessions.connect(ada, tab2);
    sessions.disconnect(ada, tab1);
    vi.advanceTimersByTime(5000);
    expect(expired).toEqual([]); // still held through the other tab
    sessions.disconnect(ada, tab2);
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual(['Ada']);
  });

  it('expires a session after the grace period without a connection, freeing its name', () => {
    vi.useFakeTimers();
    const { sessions, start, expired } = setup(1000);
    const ada = start('Ada');
    const tab = {};
    sessions.connect(ada, tab);
    vi.advanceTimersByTime(5000);
    expect(sessions.get(ada.id)).toBe(ada); // connected: no expiry however long
    sessions.disconnect(ada, tab);
    vi.advanceTimersByTime(999);
    sessions.connect(ada, {}); // back within grace: kept
    vi.advanceTimersByTime(5000);
    expect(expired).toEqual([]);
    sessions.disconnect(ada, [...ada.connections][0] as object);
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual(['Ada']);
    expect(sessions.get(ada.id)).toBeUndefined();
    expect(sessions.start('ada').ok).toBe(true);
  });

  it('expires a session no connection ever bound to', () => {
    vi.useFakeTimers();
    const { sessions, start, expired } = setup(1000);
    start('Ghost');
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual(['Ghost']);
    expect(sessions.all()).toEqual([]);
  });

  it('ends a session at once on sign-out, and ignores connections to it afterwards', () => {
    vi.useFakeTimers();
    const { sessions, start, expired } = setup();
    const ada = start('Ada');
    expect(sessions.end(ada)).toBe(true);
    expect(sessions.end(ada)).toBe(false);
    sessions.connect(ada, {});
    expect(sessions.all()).toEqual([]);
    vi.runAllTimers();
    expect(expired).toEqual([]); // ended, not expired
  });
});
