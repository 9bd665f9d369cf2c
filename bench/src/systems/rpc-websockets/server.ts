import type { AddressInfo } from 'node:net';
import { Server } from 'rpc-websockets';
import type { StartServer } from '../types.js';

/** rpc-websockets' Server: `echo` registered, `event` declared for `rpc.on` subscriptions, `emit` to publish. */
export const startServer: StartServer = async () => {
  const server = new Server({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.on('listening', () => resolve()));
  server.register('echo', (params) => params);
  server.event('event');
  return {
    port: (server.wss.address() as AddressInfo).port,
    publish(event) {
      server.emit('event', event);
    },
    connections: () => server.wss.clients.size,
    close: () => server.close(),
  };
};
