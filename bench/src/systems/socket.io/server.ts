import { Server } from 'socket.io';
import { closeHttp, listenLoopback } from '../listen.js';
import type { StartServer } from '../types.js';

/**
 * socket.io: `echo` answered through the acknowledgement callback, subscribers join a room,
 * a publish is `io.to(room).emit` (which encodes the packet once for the room).
 */
export const startServer: StartServer = async () => {
  const { http, port } = await listenLoopback();
  const io = new Server(http);
  io.on('connection', (socket) => {
    socket.on('echo', (params: unknown, ack: (result: unknown) => void) => ack(params));
    socket.on('subscribe', (ack: (ok: boolean) => void) => {
      void socket.join('events');
      ack(true);
    });
  });
  return {
    port,
    publish(event) {
      io.to('events').emit('event', event);
    },
    connections: () => io.engine.clientsCount,
    async close() {
      io.close();
      await closeHttp(http);
    },
  };
};
