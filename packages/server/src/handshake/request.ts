import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * What `authenticate` sees of an upgrade request: enough to decide, parsed once. `Raw` is the
 * runtime's own request: Node's IncomingMessage, or the fetch `Request` on Bun, Deno and Workers.
 */
export interface HandshakeRequest<Raw = IncomingMessage> {
  /** The request's headers, names in lower case. */
  readonly headers: IncomingHttpHeaders;
  /** The request target as sent, path and query: `/rpc?token=abc`. */
  readonly url: string;
  /** The path part of `url`, without the query. */
  readonly path: string;
  /** The query part of `url`, parsed. */
  readonly query: URLSearchParams;
  /** Cookies from the `Cookie` header; the first of a repeated name wins. */
  readonly cookies: Readonly<Record<string, string>>;
  /** The `Origin` header, which browsers always send and other clients usually do not. */
  readonly origin: string | undefined;
  /**
   * The peer's IP address as the socket sees it (a proxy's, behind one). On Node it is asked of
   * the socket when first read, which keeps it from then on: read it before the socket closes.
   */
  readonly remoteAddress: string | undefined;
  /** The raw request, for what the fields above leave out (TLS details, say). */
  readonly raw: Raw;
}

/** The path of a request target, without its query. */
export function pathOf(url: string): string {
  const mark = url.indexOf('?');
  return mark === -1 ? url : url.slice(0, mark);
}

/** Reads an upgrade request into the shape `authenticate` receives. */
export function readHandshake(raw: IncomingMessage): HandshakeRequest {
  const url = raw.url ?? '/';
  const path = pathOf(url);
  return {
    headers: raw.headers,
    url,
    path,
    query: new URLSearchParams(url.slice(path.length + 1)),
    cookies: parseCookies(raw.headers.cookie),
    origin: raw.headers.origin,
    // Read on demand: the socket keeps what it read (an object and a string, some 90 bytes) for
    // as long as the connection lives, and an idle connection nobody asks about should not pay it.
    get remoteAddress() {
      return raw.socket.remoteAddress;
    },
    raw,
  };
}

/**
 * Parses a `Cookie` header. The result has no prototype, so a cookie named `__proto__`
 * or `constructor` is only a cookie; a value that is not valid percent-encoding is kept as sent.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (name === '' || name in cookies) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    cookies[name] = decode(value);
  }
  return cookies;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
