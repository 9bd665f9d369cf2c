import { STATUS_CODES } from 'node:http';

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
    super(message ?? STATUS_CODES[status] ?? `HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}
