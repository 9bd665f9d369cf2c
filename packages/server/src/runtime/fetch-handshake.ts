import { HttpError } from '../handshake/http-error.js';
import { parseCookies, pathOf } from '../handshake/request.js';
import type { FetchHandshake } from './options.js';

/** Reads a fetch `Request` into the shape `authenticate` receives, as Node's server does an IncomingMessage. */
export function readFetchHandshake(request: Request, remoteAddress: string | undefined): FetchHandshake {
  const target = new URL(request.url);
  const url = target.pathname + target.search;
  const headers: Record<string, string> = Object.create(null);
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    headers,
    url,
    path: pathOf(url),
    query: target.searchParams,
    cookies: parseCookies(headers['cookie']),
    origin: headers['origin'],
    remoteAddress,
    raw: request,
  };
}

/** The answer to a refused upgrade: the HttpError's status, headers and message, nothing more. */
export function refusalResponse(error: HttpError): Response {
  return new Response(error.message, {
    status: error.status,
    headers: { ...error.headers, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** Whether a request asks for a WebSocket upgrade. */
export function isUpgrade(request: Request): boolean {
  return request.headers.get('upgrade')?.toLowerCase() === 'websocket';
}

/** The 426 a plain HTTP request to the WebSocket path gets, as on Node. */
export function upgradeRequired(): Response {
  return new Response('Upgrade Required', {
    status: 426,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' },
  });
}
