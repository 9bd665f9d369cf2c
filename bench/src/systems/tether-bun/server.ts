import { createBunServer } from '@tether/server/bun';
import type { StartServer } from '../types.js';

/** The part of Bun's global the adapter needs; declared here so that no Bun types are needed to build. */
interface BunServe {
  serve(options: { port: number; hostname: string; fetch: unknown; websocket: unknown }): {
    port: number;
    stop(force: boolean): Promise<void> | void;
  };
}

/**
 * Tether's server on `Bun.serve` with its defaults, as Tether on Node in ../tether/server.ts:
 * `echo` registered, fan-out through a topic on the default in-memory broker. Runs only in a
 * server process started under Bun (the system's `runtime`); Tether's own client, on Node, drives it.
 */
export const startServer: StartServer = async () => {
  const bun = (globalThis as unknown as { Bun?: BunServe }).Bun;
  if (!bun) throw new Error('bench: tether-bun runs its server under Bun (its process was started by Node)');
  const server = createBunServer();
  server.register('echo', (params: unknown) => params);
  server.subscription('events', () => server.topic('events'));
  const http = bun.serve({ port: 0, hostname: '127.0.0.1', fetch: server.fetch, websocket: server.websocket });
  return {
    port: http.port,
    publish: (event) => server.publish('events', event),
    connections: () => server.stats.connections,
    async close() {
      await server.close({ deadline: 0 });
      await http.stop(true);
    },
  };
};
