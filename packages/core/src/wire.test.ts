import { describe, expect, it } from 'vitest';
import { encodeError, encodeNotification, encodeRequest, encodeResult } from './wire.js';

describe('the encoders', () => {
  it('write the same JSON as JSON.stringify of the message, for ids and names that need escaping', () => {
    for (const id of [1, 0, -7, 2.5, 'a"b', 'é\n', null]) {
      expect(JSON.parse(encodeResult(id, { ok: true }))).toEqual({ jsonrpc: '2.0', id, result: { ok: true } });
      expect(JSON.parse(encodeError(id, { code: -1, message: 'm' }))).toEqual({
        jsonrpc: '2.0',
        id,
        error: { code: -1, message: 'm' },
      });
    }
    for (const method of ['echo', 'say "hi"', 'back\\slash', 'ünï\u2028']) {
      expect(JSON.parse(encodeRequest(3, method, [1]))).toEqual({ jsonrpc: '2.0', id: 3, method, params: [1] });
      expect(JSON.parse(encodeNotification(method))).toEqual({ jsonrpc: '2.0', method });
    }
  });

  it('encodes every name right however many there are (the cache of names is bounded, not trusted)', () => {
    for (let i = 0; i < 1000; i++) {
      const method = `m${i}"`;
      expect(JSON.parse(encodeRequest(i, method, undefined))).toEqual({ jsonrpc: '2.0', id: i, method });
    }
    expect(JSON.parse(encodeRequest(1, 'm0"', undefined)).method).toBe('m0"');
  });
});
