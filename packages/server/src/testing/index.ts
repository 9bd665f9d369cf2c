/**
 * @tether/server/testing: tools for tests, published on purpose. The conformance suites every
 * Broker and every PresenceStore must pass, so that one written outside this repository is held
 * to the same behaviour (they register their tests with the runner's functions they are given,
 * so they depend on no test runner); and a loopback server with the network failure a
 * reconnect test needs.
 */
export { describeBroker } from './broker-conformance.js';
export type { TestRunner } from './broker-conformance.js';
export { startTestServer } from './test-server.js';
export type { TestServer } from './test-server.js';
export { describePresence } from './presence-conformance.js';
export type { PresenceBackend } from './presence-conformance.js';
