/**
 * @tether/server/testing: tools for tests, published on purpose. The conformance suite every
 * Broker must pass, so that a broker written outside this repository is held to the same
 * behaviour (it registers its tests with the runner's functions it is given, so it depends on
 * no test runner); and a loopback server with the network failure a reconnect test needs.
 */
export { describeBroker } from './broker-conformance.js';
export type { TestRunner } from './broker-conformance.js';
export { startTestServer } from './test-server.js';
export type { TestServer } from './test-server.js';
