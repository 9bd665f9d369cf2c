/**
 * The WebSocket close codes Tether uses, each beside the condition that causes it, defined once
 * for both sides: the server closes with them, and the client reads them to tell a shutdown from
 * a limit from a broken frame.
 */
// An enum, not an `as const` object like ErrorCode: a bundler inlines an enum's members where
// they are used and drops the table, which the browser client's 8 KB budget has no room for.
export enum CloseCode {
  /** A deliberate close with nothing wrong (`close()` on either side). */
  Normal = 1000,
  /** The server is shutting down (`server.close()`); reconnect elsewhere or later. */
  GoingAway = 1001,
  /** A frame broke the WebSocket protocol. */
  ProtocolError = 1002,
  /** The connection ended without a close frame (a drop, or a socket that never opened); never sent. */
  Abnormal = 1006,
  /** A text message was not valid UTF-8. */
  InvalidData = 1007,
  /** A policy refused the connection (a message in too many fragments; a refused handshake). */
  PolicyViolation = 1008,
  /** A message was larger than `maxPayload`. */
  MessageTooBig = 1009,
  /**
   * The server is restarting (`server.close({ reconnectWindow })`): the reason is JSON,
   * `{"reconnectWindow":<ms>}`, the window over which clients spread their reconnects.
   */
  ServiceRestart = 1012,
  /** The client read too slowly and the `backpressure` policy is 'close'. */
  TryAgainLater = 1013,
  /**
   * The connection's credentials expired and no re-authentication replaced them in time; the
   * client reconnects (with a fresh URL and protocols, where those are functions).
   */
  CredentialsExpired = 4001,
  /**
   * The client got no answer to `$/ping` in time and dropped the link: 4000 + HTTP 408 (timeout),
   * which the client's reconnect policy retries.
   */
  PingTimeout = 4408,
  /** Re-authentication (`rpc.authenticate`) was refused: 4000 + HTTP 401, which the client does not retry. */
  Unauthorized = 4401,
}
