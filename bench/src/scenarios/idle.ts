import type { BenchClient, Connect } from '../systems/types.js';
import type { Metrics, RunSettings } from './catalog.js';
import { connectMany, waitFor, type ServerControl } from './control.js';

/**
 * Server memory per idle connection: a GC'd reading, `idleConnections` connections opened
 * and confirmed by the server, a pause for timers and buffers to settle, a second GC'd
 * reading. Runs first on a fresh server process so the baseline is the process at rest.
 */
export async function runIdle(connect: Connect, url: string, server: ServerControl, settings: RunSettings): Promise<Metrics> {
  const n = settings.idleConnections;
  const clients: BenchClient[] = [];
  try {
    await waitFor(() => server.connections(), 0, 10_000);
    const before = await server.memory();
    clients.push(...(await connectMany(n, 100, () => connect(url))));
    await waitFor(() => server.connections(), n, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await server.memory();
    return {
      heapPerConn: (after.heapUsed - before.heapUsed) / n / 1024,
      rssPerConn: (after.rss - before.rss) / n / 1024,
      externalPerConn: (after.external - before.external) / n / 1024,
    };
  } finally {
    for (const client of clients) client.close();
    await waitFor(() => server.connections(), 0, 20_000).catch(() => undefined);
  }
}
