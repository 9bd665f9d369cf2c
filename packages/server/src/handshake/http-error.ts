/**
 * The reason phrases of the statuses an upgrade is usually refused with, kept here rather than
 * read from `node:http` so that HttpError loads on every runtime (Bun, Deno, workerd).
 */
const reasons: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The reason phrase of `status`, or '' for one outside the table. */
export function reasonPhrase(status: number): string {
  return reasons[status] ?? '';
}

/**
 * Refuses a WebSocket upgrade with an HTTP status: what `authenticate` throws to answer
 * 401 or 403 instead of opening a connection. Any other thrown value answers 500.
 */
export class HttpError extends Error {
  /** The HTTP status written in place of the 101 Switching Protocols. */
  readonly status: number;
  /** Extra response headers, such as `WWW-Authenticate` or `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message?: string, headers: Readonly<Record<string, string>> = {}) {
    super(message ?? (reasonPhrase(status) || `HTTP ${status}`));
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}
