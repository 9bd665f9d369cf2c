import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeHttp, listenLoopback } from '../listen.js';
import type { BenchServer, ServerOptions, StartServer } from '../types.js';
import { corkPerTick } from './cork.js';
import { textFrame } from './frame.js';

/** How a floor server writes. */
export interface FloorOptions {
  /** Cork each socket from its first send of a tick until the tick ends (see cork.ts). */
  cork: boolean;
  /**
   * Frame each event once and write that buffer straight to every subscriber's TCP socket,
   * as socket.io's broadcast does without compression; otherwise `ws.send` frames it per socket.
   */
  frameOnce: boolean;
}

interface Subscriber {
  ws: WebSocket;
  stream: Socket;
  hold: () => void;
}

const noHold = () => undefined;

/**
 * The floor: `ws` with JSON.parse and JSON.stringify and nothing else. A message is
 * `{id, params}` answered by `{id, result}`; `{id, sub: true}` subscribes; an event is
 * encoded once and the same string sent to every subscriber. Permessage-deflate stays off
 * (`ws`'s default), so a frame can be written to a socket directly.
 */
export async function startFloorServer(options: FloorOptions, server?: ServerOptions): Promise<BenchServer> {
  const { http, port } = await listenLoopback();
  // With `deflate`, ws's permessage-deflate at its defaults: `ws.send` compresses each event for each socket.
  const wss = new WebSocketServer({ server: http, perMessageDeflate: server?.deflate === true });
  const subscribers = new Set<Subscriber>();
  wss.on('connection', (ws, request) => {
    const stream = request.socket;
    const hold = options.cork ? corkPerTick(stream) : noHold;
    let subscriber: Subscriber | undefined;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id: number; params?: unknown; sub?: boolean };
      hold();
      if (message.sub) {
        subscriber = { ws, stream, hold };
        subscribers.add(subscriber);
        ws.send(JSON.stringify({ id: message.id, result: true }));
        return;
      }
      ws.send(JSON.stringify({ id: message.id, result: message.params }));
    });
    ws.on('close', () => subscriber && subscribers.delete(subscriber));
  });
  const publish =
    options.frameOnce && !server?.deflate
      ? (event: unknown) => {
          const frame = textFrame(JSON.stringify({ event }));
          for (const s of subscribers) {
            s.hold();
            s.stream.write(frame);
          }
        }
      : (event: unknown) => {
          const text = JSON.stringify({ event });
          for (const s of subscribers) {
            s.hold();
            s.ws.send(text);
          }
        };
  return {
    port,
    publish,
    connections: () => wss.clients.size,
    async close() {
      wss.close();
      await closeHttp(http);
    },
  };
}

/** The plain floor: one write per frame. */
export const startServer: StartServer = (server) => startFloorServer({ cork: false, frameOnce: false }, server);
