import { describe, expect, it } from 'vitest';
import { sourceAddresses } from './source-addresses.js';

describe('sourceAddresses', () => {
  it('keeps the default source address while half the ephemeral range holds the connections', () => {
    expect(sourceAddresses(10_000, 28_232)).toEqual([undefined]);
  });

  it('adds 127.0.0.2, 127.0.0.3, … for each further half range', () => {
    expect(sourceAddresses(30_000, 28_232)).toEqual([undefined, '127.0.0.2', '127.0.0.3']);
    expect(sourceAddresses(10_000, 4_000)).toEqual([undefined, '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
  });
});
