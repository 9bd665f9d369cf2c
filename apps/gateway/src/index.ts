export { startGateway } from './gateway.js';
export type { Gateway, GatewayOptions, Session } from './gateway.js';
export { exampleConfig } from './config.js';
export type { GatewayConfig, GatewayUser, MethodRoute, ServiceRoute, UserLimits } from './config.js';
