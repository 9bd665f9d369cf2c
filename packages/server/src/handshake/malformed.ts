import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** 16 random bytes in base64, as RFC 6455 has the client send them. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** An HTTP token (RFC 9110), which every subprotocol name must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Why an upgrade request is not a WebSocket handshake this server takes, or undefined when it
 * is one. Checked before anything of the server's own runs (capacity, origin, `authenticate`):
 * ws refuses the same requests, but only after those. Version 13 alone is taken: version 8
 * carries its origin in `Sec-WebSocket-Origin`, which the origin allow-list does not read.
 */
export function malformed(request: IncomingMessage): HttpError | undefined {
  const { headers } = request;
  if (request.method !== 'GET') {
    return new HttpError(405, `A WebSocket upgrade must be a GET, not ${request.method}`, { Allow: 'GET' });
  }
  if (headers.upgrade?.toLowerCase() !== 'websocket') {
    return new HttpError(400, 'Invalid Upgrade header: this endpoint takes only "websocket"');
  }
  const key = headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key)) return new HttpError(400, 'Missing or invalid Sec-WebSocket-Key header');
  const version = headers['sec-websocket-version'];
  if (version === undefined) return new HttpError(400, 'Missing Sec-WebSocket-Version header: send 13');
  if (version !== '13') {
    // RFC 6455 section 4.4: an unsupported version is answered with the versions that are.
    const supported = { 'Sec-WebSocket-Version': '13' };
    return new HttpError(426, `Unsupported Sec-WebSocket-Version ${version}: send 13`, supported);
  }
  const protocols = headers['sec-websocket-protocol'];
  if (protocols !== undefined && !validProtocols(protocols)) {
    return new HttpError(400, 'Invalid Sec-WebSocket-Protocol header: expected distinct tokens separated by commas');
  }
  return undefined;
}

function validProtocols(header: string): boolean {
  const names = header.split(',').map((name) => name.trim());
  return names.every((name) => TOKEN.test(name)) && new Set(names).size === names.length;
}
