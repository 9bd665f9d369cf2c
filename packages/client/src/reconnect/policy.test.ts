import { describe, expect, it } from 'vitest';
import { describeDisconnect, isRetryable } from './policy.js';

describe('isRetryable', () => {
  it('retries drops, restarts and server errors', () => {
    for (const code of [1000, 1001, 1006, 1011, 1012, 1013, 4000, 4500, 4999]) {
      expect(isRetryable({ code, reason: '' }), String(code)).toBe(true);
    }
  });

  it('stops on a policy violation and on 4000 + a permanent HTTP 4xx', () => {
    for (const code of [1008, 4400, 4401, 4403, 4404]) {
      expect(isRetryable({ code, reason: '' }), String(code)).toBe(false);
    }
  });

  it('retries 4408 and 4429, which say "later" rather than "never"', () => {
    expect(isRetryable({ code: 4408, reason: '' })).toBe(true);
    expect(isRetryable({ code: 4429, reason: '' })).toBe(true);
  });

  it('stops on a refused upgrade, except timeouts and rate limits', () => {
    expect(isRetryable({ code: 1006, reason: '', status: 401 })).toBe(false);
    expect(isRetryable({ code: 1006, reason: '', status: 403 })).toBe(false);
    expect(isRetryable({ code: 1006, reason: '', status: 429 })).toBe(true);
    expect(isRetryable({ code: 1006, reason: '', status: 503 })).toBe(true);
  });
});

describe('describeDisconnect', () => {
  it('names the HTTP status where there is one, else the close code and reason', () => {
    expect(describeDisconnect({ code: 1006, reason: '', status: 401 })).toBe('HTTP 401 at upgrade');
    expect(describeDisconnect({ code: 1008, reason: 'banned' })).toBe('close 1008 banned');
    expect(describeDisconnect({ code: 1006, reason: '' })).toBe('close 1006');
  });
});
