// @tether/server/deno: a Tether server on Deno.serve. Runtime-neutral: nothing here loads node:* or ws.
export { createDenoServer } from './runtime/deno/deno-server.js';
export type { DenoNetAddr, DenoServeInfo, DenoServerOptions, DenoTetherServer, StandardWebSocket } from './runtime/deno/deno-server.js';
export { HttpError } from './handshake/http-error.js';
export type { HandshakeRequest } from './handshake/request.js';
export { CloseCode } from '@tether/core';
export { MemoryBroker } from './broker/memory-broker.js';
export type { MemoryBrokerOptions } from './broker/memory-broker.js';
export type { Broker, BrokerStatus, HistorySlice, TopicEvent, Unsubscribe } from './broker/broker.js';
export type { RateLimit } from './connection/call-gate.js';
export type { CloseOptions, ServerEvents, ServerStats } from './server-events.js';
export type { BackpressureEvent, BackpressurePolicy } from './transport/ws-transport.js';
export type { RuntimeServer } from './runtime/runtime-server.js';
export type { FetchHandshake, RuntimeServerOptions } from './runtime/options.js';
