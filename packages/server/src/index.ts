export { createServer } from './server.js';
export type { CloseOptions, ServerEvents, ServerStats, TetherServer } from './server.js';
export type { AttachOptions, Authenticate, CommonOptions, ListenOptions, ServerOptions } from './options.js';
export type { RateLimit } from './connection/call-gate.js';
export { HttpError } from './handshake/http-error.js';
export type { HandshakeRequest } from './handshake/request.js';
export { CloseCode } from './close-codes.js';
export { WsTransport } from './transport/ws-transport.js';
export type { BackpressureEvent, BackpressurePolicy, WsTransportOptions } from './transport/ws-transport.js';
