import { createServer } from '@tether/server';
import type { StartServer } from '../types.js';

/**
 * Tether's server with its defaults (heartbeats, limits, backpressure checks all on):
 * `echo` registered on the shared service; fan-out through a topic on the default in-memory
 * broker, which encodes each event's data once for every subscriber.
 */
export const startServer: StartServer = async () => {
  const server = await createServer({ port: 0, host: '127.0.0.1' });
  server.register('echo', (params: unknown) => params);
  server.subscription('events', () => server.topic('events'));
  return {
    port: server.port,
    publish: (event) => server.publish('events', event),
    connections: () => server.stats.connections,
    close: () => server.close({ deadline: 0 }),
  };
};
