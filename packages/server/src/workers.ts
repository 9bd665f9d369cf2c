// @tether/server/workers: a Tether server in a Cloudflare Durable Object. Runtime-neutral: nothing here loads node:* or ws.
export { TetherDurableObject } from './runtime/workers/durable-object.js';
export type { DurableObjectStateLike, WorkerWebSocket } from './runtime/workers/durable-object.js';
export { CloseCode, HttpError, MemoryBroker, MemoryPresence, MemoryRateLimitStore } from './runtime/exports.js';
export type { AccessOptions, ClientMethod, DiscoveryOptions, GovernanceOptions, Grants, JsonSchema, JsonSchemaConverter, OpenRpcDocument, OpenRpcInfo, QuotaOptions, RateLimitStore, RegisterOptions, Requires, ServedSubscriptionOptions } from './runtime/exports.js';
export type { Broker, BrokerStatus, BackpressureEvent, EventMeta, ResumeOutcome, BackpressurePolicy, CloseOptions, ExpireOptions, FetchHandshake, HandshakeRequest, HistorySlice, MemoryBrokerOptions, Presence, PresenceChange, PresenceConnection, PresenceEntry, PresenceStore, RateLimit, Reauthenticate, RuntimeServer, RuntimeServerOptions, ServerEvents, ServerStats, TopicEvent, TrackOptions, Tracking, Unsubscribe } from './runtime/exports.js';
