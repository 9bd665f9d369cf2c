import { WebSocketServer, type WebSocket } from 'ws';
import { closeHttp, listenLoopback } from '../listen.js';
import type { StartServer } from '../types.js';

/**
 * The floor: `ws` with JSON.parse and JSON.stringify and nothing else. A message is
 * `{id, params}` answered by `{id, result}`; `{id, sub: true}` subscribes; an event is
 * encoded once and the same string sent to every subscriber.
 */
export const startServer: StartServer = async () => {
  const { http, port } = await listenLoopback();
  const wss = new WebSocketServer({ server: http });
  const subscribers = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id: number; params?: unknown; sub?: boolean };
      if (message.sub) {
        subscribers.add(ws);
        ws.send(JSON.stringify({ id: message.id, result: true }));
        return;
      }
      ws.send(JSON.stringify({ id: message.id, result: message.params }));
    });
    ws.on('close', () => subscribers.delete(ws));
  });
  return {
    port,
    publish(event) {
      const text = JSON.stringify({ event });
      for (const ws of subscribers) ws.send(text);
    },
    connections: () => wss.clients.size,
    async close() {
      wss.close();
      await closeHttp(http);
    },
  };
};
