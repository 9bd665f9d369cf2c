import type { BenchClient, Connect } from '../systems/types.js';
import type { Metrics } from './catalog.js';
import { connectMany, waitFor, type ServerControl } from './control.js';
import { openFileLimits, sourceAddresses } from './source-addresses.js';

/** Descriptors a process needs besides its connections: modules, IPC, stdio, timers. */
const SPARE_FDS = 200;

/**
 * Server memory per idle connection: a GC'd reading, `count` connections opened and confirmed
 * by the server, a pause for timers and buffers to settle, a second GC'd reading; given a
 * `census` name, a heap census of the server after each reading too. Runs before
 * any load, on a fresh server process, so the baseline is the process at rest. Skipped, not
 * failed, when the open-file limit cannot hold `count` sockets even raised to the hard limit
 * (the coordinator starts every child at its hard limit): raise `ulimit -Hn` then.
 */
export async function runIdle(
  connect: Connect,
  url: string,
  server: ServerControl,
  count: number,
  census?: string,
): Promise<Metrics> {
  const limit = openFileLimits().soft;
  if (limit !== undefined && limit < count + SPARE_FDS) {
    throw new Error(`skipped: ${count} connections need ${count + SPARE_FDS} open files, ulimit -n is ${limit}`);
  }
  const sources = sourceAddresses(count);
  const clients: BenchClient[] = [];
  try {
    await waitFor(() => server.connections(), 0, 20_000);
    const before = await server.memory();
    if (census) await server.heapCensus('before', census, count);
    let opened = 0;
    clients.push(
      ...(await connectMany(count, 100, () => {
        const localAddress = sources[opened++ % sources.length];
        return connect(url, localAddress ? { localAddress } : {});
      })),
    );
    await waitFor(() => server.connections(), count, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await server.memory();
    if (census) await server.heapCensus('after', census, count);
    return {
      heapPerConn: (after.heapUsed - before.heapUsed) / count / 1024,
      rssPerConn: (after.rss - before.rss) / count / 1024,
      externalPerConn: (after.external - before.external) / count / 1024,
      sourceAddresses: sources.length,
    };
  } finally {
    for (const client of clients) client.close();
    await waitFor(() => server.connections(), 0, 30_000).catch(() => undefined);
  }
}
