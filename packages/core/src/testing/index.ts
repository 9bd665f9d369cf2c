/**
 * @tether/core/testing: tools for testing code built on Tether, published on purpose. A
 * leak-checked pair of peers over memory (`await using pair = connectedPair()`), and a peer
 * facing a bare transport for exact wire text (`rawSide()`). No test runner is imported.
 */
export { connectedPair, leftovers } from './pair.js';
export type { PairOptions, TestPair } from './pair.js';
export { rawSide } from './raw.js';
export type { RawSide } from './raw.js';
