/**
 * The WebSocket close codes a connection ends with, each beside the condition that causes it,
 * so that a client can tell a shutdown from a limit from a broken frame.
 */
export const CloseCode = {
  /** The server is shutting down (`server.close()`); reconnect elsewhere or later. */
  GoingAway: 1001,
  /** A frame broke the WebSocket protocol. */
  ProtocolError: 1002,
  /** A text message was not valid UTF-8. */
  InvalidData: 1007,
  /** A message came in too many fragments. */
  PolicyViolation: 1008,
  /** A message was larger than `maxPayload`. */
  MessageTooBig: 1009,
  /** The client read too slowly and the `backpressure` policy is 'close'. */
  TryAgainLater: 1013,
} as const;

const wsErrorCloseCodes: Readonly<Record<string, number>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: CloseCode.MessageTooBig,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: CloseCode.MessageTooBig,
  WS_ERR_INVALID_UTF8: CloseCode.InvalidData,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: CloseCode.PolicyViolation,
};

/**
 * The close code ws sent the client for one of its receive errors, or undefined for an error
 * that is not ws's (a reset socket). ws keeps that code private, and reports the connection's
 * own close as 1006 since the client's answer is never read; this is how a disconnect can say why.
 */
export function closeCodeForWsError(error: Error & { code?: unknown }): number | undefined {
  if (typeof error.code !== 'string' || !error.code.startsWith('WS_ERR_')) return undefined;
  return wsErrorCloseCodes[error.code] ?? CloseCode.ProtocolError;
}
