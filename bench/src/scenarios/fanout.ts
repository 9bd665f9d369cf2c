import type { BenchClient, Connect } from '../systems/types.js';
import type { Metrics, RunSettings } from './catalog.js';
import { connectMany, ownCpu, type ServerControl } from './control.js';

/**
 * Push fan-out: `fanoutClients` subscribed clients, the server publishes `fanoutEvents`
 * events, and the clock runs from the publish request until the last client has them all.
 * A warm-up burst goes through the same path first.
 */
export async function runFanout(connect: Connect, url: string, server: ServerControl, settings: RunSettings): Promise<Metrics> {
  const clients: BenchClient[] = [];
  try {
    let delivered = 0;
    let target = 0;
    let remaining = 0;
    let finished: (() => void) | undefined;
    clients.push(...(await connectMany(settings.fanoutClients, 50, () => connect(url))));
    await Promise.all(
      clients.map((client) => {
        let seen = 0;
        return client.subscribe(() => {
          delivered++;
          if (++seen === target && --remaining === 0) finished?.();
        });
      }),
    );

    const burst = async (events: number, firstSeq: number): Promise<number> => {
      target += events;
      remaining = clients.length;
      const all = new Promise<void>((resolve) => (finished = resolve));
      const start = performance.now();
      await server.publish(events, firstSeq);
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(resolve, settings.fanoutTimeoutMs, true)),
      ]);
      if (timedOut) {
        throw new Error(`bench: fan-out incomplete after ${settings.fanoutTimeoutMs} ms (${delivered} delivered)`);
      }
      return performance.now() - start;
    };

    await burst(settings.fanoutWarmEvents, 0);
    const serverCpuStart = await server.cpu();
    const loadCpuStart = ownCpu();
    const ms = await burst(settings.fanoutEvents, settings.fanoutWarmEvents);
    const loadCpu = ownCpu() - loadCpuStart;
    const serverCpu = (await server.cpu()) - serverCpuStart;
    const events = settings.fanoutEvents * clients.length;
    return {
      eventsPerSec: events / (ms / 1000),
      lastMs: ms,
      delivered,
      serverCpuUs: serverCpu / events,
      loadCpuUs: loadCpu / events,
    };
  } finally {
    for (const client of clients) client.close();
  }
}
