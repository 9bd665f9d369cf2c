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
  const url = 'ws://example.test/rpc';
  const at = (status: number) => describeDisconnect({ code: 1006, reason: '', status }, url);
  const failed = (error: string) => describeDisconnect({ code: 1006, reason: '', error }, url);

  it('names the URL and the HTTP status, with what it suggests', () => {
    expect(at(401)).toBe('ws://example.test/rpc refused the upgrade: HTTP 401; check the credentials');
    expect(at(404)).toBe('ws://example.test/rpc refused the upgrade: HTTP 404; check the URL');
    expect(at(502)).toBe('ws://example.test/rpc refused the upgrade: HTTP 502; the server is unavailable');
    expect(at(302)).toBe('ws://example.test/rpc refused the upgrade: HTTP 302');
    expect(at(200)).toBe('ws://example.test/rpc is not a WebSocket endpoint (HTTP 200); check the URL');
  });

  it('names the cause of a failed connect', () => {
    expect(failed('getaddrinfo ENOTFOUND example.test')).toBe(
      'cannot connect to ws://example.test/rpc: host not found; check the URL (getaddrinfo ENOTFOUND example.test)',
    );
    expect(failed('Parse Error: HPE_INVALID_CONSTANT')).toMatch(/: not HTTP: not a WebSocket endpoint; check the URL \(/);
    expect(failed('connect timeout (10 ms)')).toBe('cannot connect to ws://example.test/rpc: connect timeout (10 ms)');
  });

  it('gives the close code and reason of a connection that was open', () => {
    expect(describeDisconnect({ code: 1008, reason: 'banned' }, url)).toBe('connection to ws://example.test/rpc closed (1008 banned)');
    expect(describeDisconnect({ code: 1006, reason: '' }, url)).toBe('connection to ws://example.test/rpc closed (1006)');
  });
});
