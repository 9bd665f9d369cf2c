import { describe, expect, it } from 'vitest';
import { describeDisconnect, isRetryable, reconnectWindow } from './policy.js';

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

  it('retries 4001 (credentials expired: reconnect with fresh ones) and stops on 4401 (re-authentication refused)', () => {
    expect(isRetryable({ code: 4001, reason: 'credentials expired' })).toBe(true);
    expect(isRetryable({ code: 4401, reason: 're-authentication refused' })).toBe(false);
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
  const url = 'ws://example.test/rpc';

  it('says why a socket failed to open, naming the URL', () => {
    expect(
      describeDisconnect({ code: 1006, reason: '', status: 401, error: 'the upgrade was refused with HTTP 401' }, url),
    ).toBe('cannot connect to ws://example.test/rpc: the upgrade was refused with HTTP 401');
    expect(describeDisconnect({ code: 1006, reason: '', error: 'no reason given' }, url)).toBe(
      'cannot connect to ws://example.test/rpc: no reason given',
    );
  });

  it('names a status given without words', () => {
    expect(describeDisconnect({ code: 1006, reason: '', status: 503 }, url)).toBe(
      'ws://example.test/rpc refused the upgrade with HTTP 503',
    );
  });

  it('gives the close code and reason of a connection that was open', () => {
    expect(describeDisconnect({ code: 1008, reason: 'banned' }, url)).toBe(
      'connection to ws://example.test/rpc closed (1008 banned)',
    );
    expect(describeDisconnect({ code: 1006, reason: '' }, url)).toBe(
      'connection to ws://example.test/rpc closed (1006)',
    );
  });
});

describe('reconnectWindow', () => {
  it("reads a restarting server's window from its 1012 reason", () => {
    expect(reconnectWindow({ code: 1012, reason: '{"reconnectWindow":10000}' })).toBe(10_000);
    expect(reconnectWindow({ code: 1012, reason: '{ "reconnectWindow": 250 }' })).toBe(250);
  });

  it('is 0 for another code, a reason without a window, or one that is not a count', () => {
    expect(reconnectWindow({ code: 1001, reason: '{"reconnectWindow":10000}' })).toBe(0);
    expect(reconnectWindow({ code: 1012, reason: '' })).toBe(0);
    expect(reconnectWindow({ code: 1012, reason: 'service restart' })).toBe(0);
    expect(reconnectWindow({ code: 1012, reason: '{"reconnectWindow":-5}' })).toBe(0);
  });
});
