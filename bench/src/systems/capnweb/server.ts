import { RpcTarget, newWebSocketRpcSession, type RpcStub } from 'capnweb';
import { WebSocketServer } from 'ws';
import { closeHttp, listenLoopback } from '../listen.js';
import type { StartServer } from '../types.js';
import { provideGlobalWebSocket } from './node-websocket.js';

type Listener = RpcStub<(event: unknown) => void>;

/** One RpcTarget per session, as Cap'n Web's Node guide serves WebSockets. */
class Api extends RpcTarget {
  constructor(private readonly listeners: Set<Listener>) {
    super();
  }

  echo(params: unknown): unknown {
    return params;
  }

  /** Keeps a duplicate of the callback stub: the one in the params is disposed when this call returns. */
  subscribe(listener: Listener): boolean {
    this.listeners.add(listener.dup());
    return true;
  }
}

/**
 * capnweb over `ws`. Push is a call on each client's callback stub; its result is never
 * awaited, so the promise is disposed at once, as the disposal guide asks.
 */
export const startServer: StartServer = async () => {
  provideGlobalWebSocket();
  const { http, port } = await listenLoopback();
  const wss = new WebSocketServer({ server: http });
  const listeners = new Set<Listener>();
  wss.on('connection', (ws) => {
    newWebSocketRpcSession(ws as unknown as WebSocket, new Api(listeners));
  });
  return {
    port,
    publish(event) {
      for (const listener of listeners) listener(event)[Symbol.dispose]();
    },
    connections: () => wss.clients.size,
    async close() {
      wss.close();
      await closeHttp(http);
    },
  };
};
