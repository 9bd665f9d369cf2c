import { CloseCode, type CloseInfo } from '@tether/core';

/** Why a socket closed, as the client saw it. */
export interface DisconnectInfo extends CloseInfo {
  /**
   * The HTTP status that refused the WebSocket upgrade, where the runtime reveals it:
   * `ws` on Node does; a browser hides it and reports only close code 1006.
   */
  status?: number;
  /**
   * Why the socket failed to open, in words, where it never did: on Node what the refusing
   * status or the socket error means (`connection refused; is the server running? (connect
   * ECONNREFUSED 127.0.0.1:8080)`), the connect timeout, or else `no reason given` (a browser
   * tells none). Absent after an open.
   */
  error?: string;
}

/** A 4xx that retrying the same request cannot fix: all but 408 (timeout) and 429 (too many requests). */
const isPermanentClientError = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * Whether another attempt may succeed. The client stops reconnecting on:
 * - an HTTP 4xx at the upgrade (401, 403, 404, …; not 408 or 429), seen on Node only;
 * - close code 1008 (policy violation), what a server sends when it rejects the client itself;
 * - close codes 4400–4499, read as 4000 + an HTTP 4xx status (4401 unauthorized, 4403
 *   forbidden, …), again except 4408 and 4429.
 * Every other close (1000, 1001 going away, 1006 abnormal, 1011, 1012 restart, …) is retried.
 */
export function isRetryable(info: DisconnectInfo): boolean {
  if (info.status !== undefined && isPermanentClientError(info.status)) return false;
  if (info.code === CloseCode.PolicyViolation) return false;
  return !(info.code >= 4400 && info.code < 4500 && isPermanentClientError(info.code - 4000));
}

/**
 * The disconnect in words for a person, naming `url`: why the socket failed to open (what the
 * Node socket says of the refusing status or the socket error, with what to do), else the
 * status, else the close code and reason.
 */
export function describeDisconnect(info: DisconnectInfo, url: string): string {
  if (info.error !== undefined) return `cannot connect to ${url}: ${info.error}`;
  if (info.status !== undefined) return `${url} refused the upgrade with HTTP ${info.status}`;
  return `connection to ${url} closed (${info.code}${info.reason && ` ${info.reason}`})`;
}

/**
 * The window in ms over which a restarting server asked its clients to spread their reconnects:
 * the `reconnectWindow` of a 1012 close's JSON reason, else 0.
 */
export function reconnectWindow(info: CloseInfo): number {
  // Read with a pattern rather than JSON.parse and a try: the browser bundle is tight.
  return info.code === CloseCode.ServiceRestart ? Number(/"reconnectWindow":\s*(\d+)/.exec(info.reason)?.[1] ?? 0) : 0;
}
