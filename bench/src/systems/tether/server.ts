import { createServer } from '@tether/server';
import type { StartServer } from '../types.js';

/**
 * Tether's server with its defaults (heartbeats, limits, backpressure checks all on):
 * `echo` registered on the shared service; a publish is `broadcast`, one notification
 * encoded once and written to every connection.
 */
export const startServer: StartServer = async () => {
  const server = await createServer({ port: 0, host: '127.0.0.1' });
  server.register('echo', (params: unknown) => params);
  server.register('subscribe', () => true);
  return {
    port: server.port,
    publish(event) {
      server.broadcast('event', event as Record<string, unknown>);
    },
    connections: () => server.stats.connections,
    close: () => server.close({ deadline: 0 }),
  };
};
