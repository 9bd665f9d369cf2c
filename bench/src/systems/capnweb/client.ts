import { newWebSocketRpcSession } from 'capnweb';
import { openSocket } from '../open-socket.js';
import type { Connect } from '../types.js';
import { provideGlobalWebSocket } from './node-websocket.js';

interface Api {
  echo(params: Record<string, unknown>): unknown;
  subscribe(listener: (event: unknown) => void): boolean;
}

/** A capnweb session on an open `ws` socket; events arrive through a callback passed by reference. */
export const connect: Connect = async (url, options) => {
  provideGlobalWebSocket();
  const { ws } = await openSocket(url, options);
  const api = newWebSocketRpcSession<Api>(ws as unknown as WebSocket);
  return {
    call: (params) => api.echo(params) as Promise<unknown>,
    async subscribe(listener) {
      await api.subscribe((event: unknown) => listener(event));
    },
    close: () => {
      api[Symbol.dispose]();
      ws.terminate();
    },
  };
};
