// The published types name AsyncDisposable and Symbol.asyncDispose; this line brings their
// declarations to a consumer whose lib lacks them (a plain ES2022 + DOM project).
/// <reference lib="esnext.disposable" preserve="true" />
export { redisBroker } from './broker/redis-broker.js';
export type { RedisBroker } from './broker/redis-broker.js';
export type { RedisBrokerOptions } from './broker/redis-broker.js';
export { redisRegistry } from './registry/redis-registry.js';
export type { RedisRegistry } from './registry/redis-registry.js';
export type { RedisRegistryOptions } from './registry/redis-registry.js';
export { Registration } from './registry/registration.js';
export type { Provider, ProviderInfo } from './registry/provider.js';
export { ServiceRouter } from './registry/router.js';
export type { ProviderConnection, ServiceRouterOptions } from './registry/router.js';
export { redisPresence } from './presence/redis-presence.js';
export type { RedisPresence } from './presence/redis-presence.js';
export type { RedisPresenceOptions } from './presence/redis-presence.js';
export { redisRateLimitStore } from './rate-limit/redis-rate-limit-store.js';
export type { RedisRateLimitStore, RedisRateLimitStoreOptions } from './rate-limit/redis-rate-limit-store.js';
export type { RedisTarget } from './connection.js';
export type { CallOptions, Params } from '@tether/core';
export type {
  Broker,
  BrokerStatus,
  EventMeta,
  HistorySlice,
  PresenceChange,
  PresenceEntry,
  PresenceStore,
  RateLimit,
  RateLimitStore,
  TopicEvent,
  Unsubscribe,
} from '@tether/server';
