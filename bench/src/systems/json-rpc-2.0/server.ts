import { JSONRPCClient, JSONRPCServer, JSONRPCServerAndClient } from 'json-rpc-2.0';
import { WebSocketServer } from 'ws';
import { closeHttp, listenLoopback } from '../listen.js';
import type { StartServer } from '../types.js';

/**
 * json-rpc-2.0 over `ws` as its README wires it: one JSONRPCServerAndClient per socket.
 * The library has no broadcast, so a publish is one `notify` per subscriber.
 */
export const startServer: StartServer = async () => {
  const { http, port } = await listenLoopback();
  const wss = new WebSocketServer({ server: http });
  const subscribers = new Set<JSONRPCServerAndClient>();
  wss.on('connection', (ws) => {
    const peer = new JSONRPCServerAndClient(
      new JSONRPCServer(),
      new JSONRPCClient((request) => {
        ws.send(JSON.stringify(request));
      }),
    );
    peer.addMethod('echo', (params) => params);
    peer.addMethod('subscribe', () => {
      subscribers.add(peer);
      return true;
    });
    ws.on('message', (data) => void peer.receiveAndSend(JSON.parse(String(data))));
    ws.on('close', () => {
      subscribers.delete(peer);
      peer.rejectAllPendingRequests('connection closed');
    });
  });
  return {
    port,
    publish(event) {
      for (const peer of subscribers) peer.notify('event', event as Record<string, unknown>);
    },
    connections: () => wss.clients.size,
    async close() {
      wss.close();
      await closeHttp(http);
    },
  };
};
