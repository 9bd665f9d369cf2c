/**
 * Method names Tether itself uses on the wire. They sit in the namespaces users cannot
 * register (`rpc.` is reserved by the JSON-RPC 2.0 spec, `$/` by convention), so they
 * never collide with an application's methods.
 */

/** Notification `{ id }` asking the other side to abort a running call (the LSP convention). */
export const CANCEL_METHOD = '$/cancelRequest';

/**
 * Request without params that every peer answers at once with result `null`, bypassing
 * middleware and limits: how a client that cannot see WebSocket pings (a browser) tells a
 * quiet link from a dead one.
 */
export const PING_METHOD = '$/ping';

/** Request `{ name, params?, after?, epoch? }` opening a subscription; answers its id (a string). */
export const SUBSCRIBE_METHOD = 'rpc.subscribe';

/** Request `[id]` closing a subscription; answers whether it was open. */
export const UNSUBSCRIBE_METHOD = 'rpc.unsubscribe';

/**
 * Notification carrying a push, in the shape Ethereum nodes use for `eth_subscribe`:
 * `{ subscription, result, eventId?, epoch? }`, or `{ subscription, gap: { after, next, restarted?, epoch? } }`,
 * `{ subscription, error }`, `{ subscription, done: true }`.
 */
export const SUBSCRIPTION_NOTIFICATION = 'rpc.subscription';

/**
 * Request replacing the connection's credentials without reconnecting; params are the
 * application's (the client's `auth` option), answered `true`, or refused with -32004 and close 4401.
 */
export const AUTHENTICATE_METHOD = 'rpc.authenticate';

/**
 * Notification `{ grace }` from the server: the connection's credentials expired, and unless an
 * `rpc.authenticate` succeeds within `grace` ms the connection closes with 4001.
 */
export const CREDENTIALS_EXPIRED_METHOD = 'rpc.credentialsExpired';

/**
 * Notification `{ token, value }` reporting a running call's progress, sent before its response
 * and only for a request whose by-name params carried `_meta: { progressToken }` (the MCP shape).
 */
export const PROGRESS_METHOD = '$/progress';

/** Request without params answering an OpenRPC document of what the peer serves (OpenRPC's service discovery). */
export const DISCOVER_METHOD = 'rpc.discover';
