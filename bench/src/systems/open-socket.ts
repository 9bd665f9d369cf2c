import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { ConnectOptions } from './types.js';

/** An open `ws` client socket and the TCP socket under it. */
export interface OpenSocket {
  ws: WebSocket;
  /** The TCP socket `ws` writes to, from the upgrade response: what a corking client holds. */
  stream: Socket;
}

/** A `ws` client socket, resolved once open (rejected if it fails first). */
export function openSocket(url: string, options: ConnectOptions = {}): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.localAddress ? { localAddress: options.localAddress } : {});
    let stream: Socket | undefined;
    ws.once('upgrade', (response) => (stream = response.socket));
    ws.once('open', () => {
      ws.off('error', reject);
      if (stream) resolve({ ws, stream });
      else reject(new Error(`bench: ${url} opened without an upgrade response`));
    });
    ws.once('error', reject);
  });
}
