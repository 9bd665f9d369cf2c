/**
 * @tether/server/testing: the conformance suite every Broker must pass, published so that a
 * broker written outside this repository is held to the same behaviour. It registers vitest
 * tests, so vitest is an optional peer dependency of this package.
 */
export { describeBroker } from './broker-conformance.js';
