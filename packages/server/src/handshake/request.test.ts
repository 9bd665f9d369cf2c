import { describe, expect, it } from 'vitest';
import { parseCookies } from './request.js';

describe('parseCookies', () => {
  it('reads pairs, trims, unquotes and decodes', () => {
    expect(parseCookies('a=1; b = two ; c="q"; d=%E2%9C%93')).toEqual({ a: '1', b: 'two', c: 'q', d: '✓' });
  });

  it('keeps the first of a repeated name and skips pairs without a name or =', () => {
    expect(parseCookies('a=1; a=2; =x; junk; b=')).toEqual({ a: '1', b: '' });
  });

  it('keeps malformed percent-encoding as sent', () => {
    expect(parseCookies('a=%E2%9C')).toEqual({ a: '%E2%9C' });
  });

  it('treats __proto__ as a plain cookie name', () => {
    const cookies = parseCookies('__proto__=x; constructor=y');
    expect(cookies['__proto__']).toBe('x');
    expect(cookies['constructor']).toBe('y');
    expect(Object.getPrototypeOf(cookies)).toBeNull();
  });

  it('is empty without a header', () => {
    expect(parseCookies(undefined)).toEqual({});
  });
});
