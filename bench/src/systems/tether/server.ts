import { createServer, type Broker } from '@tether/server';
import type { StartServer } from '../types.js';

/**
 * Tether's server with its defaults (heartbeats, limits, backpressure checks all on):
 * `echo` registered on the shared service; fan-out through a topic on the default in-memory
 * broker, which encodes each event's data once for every subscriber, or, given a Redis URL,
 * on @tether/redis's broker (on a Redis Cluster if told so) so that several server processes share the topic.
 */
export const startServer: StartServer = async (options) => {
  // Imported only when asked for, so single-node runs load no Redis client.
  const broker: Broker | undefined = options?.redisUrl
    ? (await import('@tether/redis')).redisBroker({ url: options.redisUrl, cluster: options.redisCluster ?? false })
    : undefined;
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    ...(broker && { broker }),
    ...(options?.deflate && { perMessageDeflate: true }),
  });
  server.register('echo', (params: unknown) => params);
  server.subscription('events', () => server.topic('events'));
  return {
    port: server.port,
    publish: (event) => server.publish('events', event),
    connections: () => server.stats.connections,
    async close() {
      await server.close({ deadline: 0 });
      // A broker passed in is the caller's to close.
      await broker?.close();
    },
  };
};
