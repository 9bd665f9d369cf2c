/**
 * @tether/server/testing: the conformance suite every Broker must pass, published so that a
 * broker written outside this repository is held to the same behaviour. It registers its tests
 * with the runner's functions it is given, so it depends on no test runner.
 */
export { describeBroker } from './broker-conformance.js';
export type { TestRunner } from './broker-conformance.js';
