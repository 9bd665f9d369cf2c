/**
 * Why a Node socket failed to open, in words for a person: what happened and what to do. It
 * lives beside the Node socket, not in the shared client, because only Node learns the refusing
 * HTTP status or the socket error; a browser bundle would carry this text for nothing.
 */

/** What a refusing HTTP status suggests doing. */
const statusHints: Readonly<Record<number, string>> = {
  401: 'check the credentials',
  403: 'the server does not admit this client',
  404: 'check the URL and its path',
  429: 'too many attempts; later ones may pass',
};

/** What a socket error means, by its code. */
const errorHints: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused; is the server running?',
  ECONNRESET: 'connection reset by the server or the network',
  ENOTFOUND: 'host not found; check the URL',
  EAI_AGAIN: 'host name lookup failed; check the URL and the DNS',
  ETIMEDOUT: 'no answer from the host; check the URL and the network',
};

/** The upgrade was answered `status` instead of 101. */
export function describeStatus(status: number): string {
  if (status < 300) return `not a WebSocket endpoint (HTTP ${status}); check the URL and its path`;
  const hint = statusHints[status] ?? (status >= 500 ? 'the server is unavailable' : undefined);
  return `the upgrade was refused with HTTP ${status}${hint ? `; ${hint}` : ''}`;
}

/** The socket failed with `error` before it opened. */
export function describeError(error: Error & { code?: unknown }): string {
  const code = typeof error.code === 'string' ? error.code : '';
  const hint =
    errorHints[code] ??
    (code.startsWith('HPE_') ? 'the answer was not HTTP: not a WebSocket endpoint; check the URL' : undefined);
  return hint ? `${hint} (${error.message})` : error.message;
}
