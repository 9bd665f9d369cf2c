/*
 * Attribute and metric names of the OpenTelemetry semantic conventions this package emits: the
 * RPC conventions as they stand since the v1.38.0 break (checked against the v1.45.0 documents;
 * the JSON-RPC page is of status Development, so names may still move), and the messaging ones
 * for publishes. Kept here, and only here, so a rename is one edit.
 */

/** `rpc.system.name`: the RPC system, `jsonrpc` here. */
export const RPC_SYSTEM_NAME = 'rpc.system.name';
export const JSONRPC = 'jsonrpc';
/** `rpc.method`: the method name as on the wire. */
export const RPC_METHOD = 'rpc.method';
/** `jsonrpc.request.id`: the request id, as a string; left out for notifications. */
export const JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
/** `jsonrpc.protocol.version`: conditionally required when not 1.0, so always `2.0` here. */
export const JSONRPC_PROTOCOL_VERSION = 'jsonrpc.protocol.version';
/** `rpc.response.status_code`: the JSON-RPC error code of a failed call, as a string. */
export const RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';
/** `error.type`: the error code again (the conventions' choice for JSON-RPC), or `_OTHER` for a non-RPC failure. */
export const ERROR_TYPE = 'error.type';

/** `rpc.client.call.duration` / `rpc.server.call.duration`: histograms in seconds. */
export const RPC_CLIENT_CALL_DURATION = 'rpc.client.call.duration';
export const RPC_SERVER_CALL_DURATION = 'rpc.server.call.duration';

/** Messaging attributes of publish and delivery spans. */
export const MESSAGING_SYSTEM = 'messaging.system';
export const TETHER = 'tether';
export const MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const MESSAGING_MESSAGE_ID = 'messaging.message.id';

/** Bucket bounds for call durations in seconds, from 0.5 ms to 10 s (the conventions name none). */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
