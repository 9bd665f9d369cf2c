// The published types name AsyncDisposable and Symbol.asyncDispose; this line brings their
// declarations to a consumer whose lib lacks them (a plain ES2022 + DOM project).
/// <reference lib="esnext.disposable" preserve="true" />
export { connect } from './client.js';
export type { Client } from './client.js';
export type { ClientEvents, ClientStatus, ClosedEvent, ConnectingEvent, ReconnectingEvent } from './connection.js';
export type { ClientOptions, Fresh, ReconnectOptions } from './options.js';
export type { HeartbeatOptions } from './heartbeat.js';
export { backoffDelay } from './reconnect/backoff.js';
export type { BackoffOptions } from './reconnect/backoff.js';
export { describeDisconnect, isRetryable, reconnectWindow } from './reconnect/policy.js';
export type { DisconnectInfo } from './reconnect/policy.js';
export type { Schedule } from './reconnect/schedule.js';
export type { SocketEvent, WebSocketConstructor, WebSocketLike } from './socket/types.js';
export { ErrorCode, RpcError } from '@tether/core';
export type {
  BatchEntry,
  BatchOptions,
  CallContext,
  CallerPeer,
  CallInterceptor,
  CallMeta,
  CallOptions,
  CloseInfo,
  Emitter,
  Handler,
  HandlerTree,
  Implementation,
  Logger,
  Middleware,
  Params,
  Peer,
  PeerOptions,
  Remote,
  Subscribe,
  SubscribeOptions,
  Subscription,
  SubscriptionGap,
  Subscriptions,
  Transport,
} from '@tether/core';
