import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpError } from './http-error.js';

const noLineBreaks = (value: string) => value.replace(/[\r\n]+/g, ' ');

/** Answers an upgrade request with an HTTP error instead of a WebSocket, then ends the socket. */
export function refuse(socket: Duplex, error: HttpError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = error.message;
  const lines = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(error.headers).map(([name, value]) => `${noLineBreaks(name)}: ${noLineBreaks(value)}`),
  ];
  // Destroyed once flushed: the client must get the status, then nothing more.
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
