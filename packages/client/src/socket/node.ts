import type { ClientRequest, IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from './types.js';

/**
 * The client of `ws`, made to remember the HTTP status of a refused upgrade so that a 401
 * or 403 can stop the reconnect loop (a browser never learns the status).
 */
class NodeWebSocket extends WebSocket {
  upgradeStatus: number | undefined;

  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    this.once('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
      this.upgradeStatus = response.statusCode;
      response.resume();
      // What ws does when nobody listens for the event: fail the handshake, so that
      // 'error' and then 'close' (1006) follow as for any failed connect.
      this.terminate();
    });
  }
}

/** The WebSocket used on Node (where Node 20 has no global one): `ws`. */
export const DefaultWebSocket: WebSocketConstructor | undefined = NodeWebSocket;
