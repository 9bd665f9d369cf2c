import { io } from 'socket.io-client';
import type { Connect } from '../types.js';

/** socket.io-client on the WebSocket transport from the start (no long-polling upgrade): `emitWithAck`. */
export const connect: Connect = async (url, options) => {
  // engine.io-client hands localAddress on to `ws`.
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    call: (params) => socket.emitWithAck('echo', params),
    async subscribe(listener) {
      socket.on('event', listener);
      await socket.emitWithAck('subscribe');
    },
    close: () => socket.disconnect(),
  };
};
