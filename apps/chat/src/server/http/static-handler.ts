import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Assets } from './assets.js';

/** The page may load only its own files and talk only to its own server. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
} as const;

/** Serves the page's files for GET and HEAD; the WebSocket path is answered only by upgrades. */
export function staticHandler(assets: Assets, rpcPath: string) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Method Not Allowed');
      return;
    }
    if (path === rpcPath && request.headers.upgrade !== undefined) {
      // An upgrade no WebSocket server took: it is restarting. 503 tells clients to try again.
      response.writeHead(503, { 'Retry-After': '1', 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Service Unavailable: the chat server is restarting.');
      return;
    }
    if (path === rpcPath) {
      response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain; charset=utf-8' });
      response.end("Upgrade Required: this is the chat's WebSocket endpoint.");
      return;
    }
    const asset = assets.get(path);
    if (!asset) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Not Found');
      return;
    }
    response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': asset.type, 'Content-Length': asset.body.length });
    response.end(request.method === 'HEAD' ? undefined : asset.body);
  };
}
