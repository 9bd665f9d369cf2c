// @tether/server/deno: a Tether server on Deno.serve. Runtime-neutral: nothing here loads node:* or ws.
export { createDenoServer } from './runtime/deno/deno-server.js';
export type { DenoNetAddr, DenoServeInfo, DenoServerOptions, DenoTetherServer, StandardWebSocket } from './runtime/deno/deno-server.js';
export { CloseCode, HttpError, MemoryBroker, MemoryPresence, MemoryRateLimitStore } from './runtime/exports.js';
export type { AccessOptions, ClientMethod, DiscoveryOptions, GovernanceOptions, Grants, JsonSchema, JsonSchemaConverter, OpenRpcDocument, OpenRpcInfo, QuotaOptions, RateLimitStore, RegisterOptions, Requires, ServedSubscriptionOptions } from './runtime/exports.js';
export type { Broker, BrokerStatus, BackpressureEvent, EventMeta, ResumeOutcome, BackpressurePolicy, CloseOptions, ExpireOptions, FetchHandshake, HandshakeRequest, HistorySlice, MemoryBrokerOptions, Presence, PresenceChange, PresenceConnection, PresenceEntry, PresenceStore, RateLimit, Reauthenticate, RuntimeServer, RuntimeServerOptions, ServerEvents, ServerStats, TopicEvent, TrackOptions, Tracking, Unsubscribe } from './runtime/exports.js';
