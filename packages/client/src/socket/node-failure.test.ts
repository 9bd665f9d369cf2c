import { describe, expect, it } from 'vitest';
import { describeError, describeStatus } from './node-failure.js';

const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('describeStatus', () => {
  it('names the status and what it suggests', () => {
    expect(describeStatus(401)).toBe('the upgrade was refused with HTTP 401; check the credentials');
    expect(describeStatus(404)).toBe('the upgrade was refused with HTTP 404; check the URL and its path');
    expect(describeStatus(503)).toBe('the upgrade was refused with HTTP 503; the server is unavailable');
    expect(describeStatus(302)).toBe('the upgrade was refused with HTTP 302');
  });

  it('calls a success status no WebSocket endpoint (a plain HTTP page answered)', () => {
    expect(describeStatus(200)).toBe('not a WebSocket endpoint (HTTP 200); check the URL and its path');
  });
});

describe('describeError', () => {
  it('says what a known error code means, then the error itself', () => {
    expect(describeError(failure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'))).toBe(
      'connection refused; is the server running? (connect ECONNREFUSED 127.0.0.1:9)',
    );
    expect(describeError(failure('ENOTFOUND', 'getaddrinfo ENOTFOUND nohost'))).toBe(
      'host not found; check the URL (getaddrinfo ENOTFOUND nohost)',
    );
    expect(describeError(failure('HPE_INVALID_CONSTANT', 'Parse Error: Expected HTTP/'))).toMatch(
      /^the answer was not HTTP: not a WebSocket endpoint; check the URL \(/,
    );
  });

  it('passes an unknown error on as its message', () => {
    expect(describeError(new Error('something odd'))).toBe('something odd');
  });
});
