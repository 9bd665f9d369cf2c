export { traceCalls } from './client.js';
export { instrumentServer, ServerTelemetry } from './server-telemetry.js';
export { traceBroker, TracedBroker } from './traced-broker.js';
export type { TelemetryOptions } from './options.js';
