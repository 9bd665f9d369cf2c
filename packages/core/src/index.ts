// The published types name AsyncDisposable and Symbol.asyncDispose; this line brings their
// declarations to a consumer whose lib lacks them (a plain ES2022 + DOM project).
/// <reference lib="esnext.disposable" preserve="true" />
export { ErrorCode, RpcError, toWireError } from './errors.js';
export type { ErrorObject } from './errors.js';
export { encodeNotification } from './wire.js';
export type {
  ErrorMessage,
  Message,
  Params,
  RequestId,
  RequestMessage,
  ResponseMessage,
  ResultMessage,
} from './wire.js';
export type { CloseInfo, SendOptions, Transport } from './transport.js';
export { createMemoryTransportPair } from './memory-transport.js';
export type { CallContext } from './context.js';
export type { Handler, HandlerTree, Implementation } from './methods.js';
export type { Middleware } from './middleware.js';
export type { CallOptions } from './outgoing.js';
export type { InferInput, InferOutput, StandardSchemaV1 } from './schema.js';
export type { Remote } from './contract.js';
export { defineContract } from './schema-contract.js';
export type { ContractSpec, MethodSpec, SpecArgs, SpecResult } from './schema-contract.js';
export { registerValidated, serveValidated } from './validated.js';
export type { MethodOptions, Schemas } from './validated.js';
export { Emitter } from './emitter.js';
export { Peer } from './peer.js';
export {
  AUTHENTICATE_METHOD,
  CANCEL_METHOD,
  CREDENTIALS_EXPIRED_METHOD,
  DISCOVER_METHOD,
  PING_METHOD,
  PROGRESS_METHOD,
  SUBSCRIBE_METHOD,
  SUBSCRIPTION_NOTIFICATION,
  UNSUBSCRIBE_METHOD,
} from './protocol.js';
export { Service } from './service.js';
export type { CallGuard } from './service.js';
export type { CallInterceptor, Logger, PeerOptions, PeerStats } from './peer.js';
export { withMeta } from './meta.js';
export type { CallMeta } from './meta.js';
export type { BatchEntry, BatchOptions, CallerPeer, PeerEvents } from './faces.js';
export { CloseCode } from './close-codes.js';
export { onCredentialsExpired, serveReauthentication } from './credentials.js';
export type { Reauthenticate } from './credentials.js';
export { Subscription } from './subscription/subscription.js';
export type { SubscribeOptions, SubscriptionGap } from './subscription/options.js';
export type { SubscriptionHandler } from './subscription/publisher.js';
export { limitSubscriptions, serveSubscription, serveSubscriptions } from './subscription/serving.js';
export type { SubscriptionTree } from './subscription/serving.js';
export type { Subscribe, Subscriptions } from './subscription/contract.js';
export type { EventSource, SubscriptionsImplementation } from './subscription/implementation.js';
export type { SubscriptionOptions } from './subscription/serving.js';
export type { EventStream, StreamSink } from './subscription/stream.js';
export { catalog, serveDiscovery } from './catalog.js';
export type { Catalog, MethodInfo, SubscriptionInfo } from './catalog.js';
