// The published types name AsyncDisposable and Symbol.asyncDispose; this line brings their
// declarations to a consumer whose lib lacks them (a plain ES2022 + DOM project).
/// <reference lib="esnext.disposable" preserve="true" />
export { createServer } from './server.js';
export type { TetherServer } from './server.js';
export type { CloseOptions, ExpireOptions, ServerEvents, ServerStats } from './server-events.js';
export type { ResumeOutcome } from './topics/topic-hub.js';
export type {
  AttachOptions,
  Authenticate,
  CommonOptions,
  ListenOptions,
  PerMessageDeflateOptions,
  ServerOptions,
} from './options.js';
export type { RateLimit } from './connection/call-gate.js';
export { HttpError } from './handshake/http-error.js';
export type { HandshakeRequest } from './handshake/request.js';
export { CloseCode } from '@tether/core';
export { WsTransport } from './transport/ws-transport.js';
export type { BackpressureEvent, BackpressurePolicy } from './transport/backpressure.js';
export type { WsTransportOptions } from './transport/ws-transport.js';
export { MemoryBroker } from './broker/memory-broker.js';
export type { MemoryBrokerOptions } from './broker/memory-broker.js';
export type { Broker, BrokerStatus, EventMeta, HistorySlice, TopicEvent, Unsubscribe } from './broker/broker.js';
export { MemoryPresence } from './presence/memory-presence.js';
export type { PresenceChange, PresenceEntry, PresenceStore } from './presence/presence-store.js';
export type { Presence, PresenceConnection, TrackOptions, Tracking } from './presence/presence-hub.js';
export { defineContract, ErrorCode, RpcError } from '@tether/core';
export type {
  CallContext,
  CallerPeer,
  CallOptions,
  EventSource,
  CallGuard,
  CloseInfo,
  ErrorObject,
  EventStream,
  Handler,
  HandlerTree,
  Implementation,
  Logger,
  MethodOptions,
  MethodSpec,
  ContractSpec,
  Schemas,
  Middleware,
  Params,
  Peer,
  Reauthenticate,
  SendOptions,
  Service,
  StandardSchemaV1,
  StreamSink,
  SubscriptionHandler,
  Subscribe,
  SubscriptionsImplementation,
  SubscriptionTree,
  SubscriptionOptions,
  Transport,
} from '@tether/core';
export type { AccessOptions, Grants } from './access/grants.js';
export type { RegisterOptions, Requires, ServedSubscriptionOptions } from './access/declarations.js';
export type { GovernanceOptions } from './acceptor/governance.js';
export type { QuotaOptions } from './quotas/quotas.js';
export type { RateLimitStore } from './quotas/rate-limit-store.js';
export type { ClientMethod, DiscoveryOptions, OpenRpcDocument, OpenRpcInfo } from './discovery/openrpc.js';
export type { JsonSchema, JsonSchemaConverter } from './discovery/json-schema.js';
export { MemoryRateLimitStore } from './quotas/rate-limit-store.js';
