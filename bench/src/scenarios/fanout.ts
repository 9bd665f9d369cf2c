import type { BenchClient, Connect } from '../systems/types.js';
import type { FanoutSize, Metrics, RunSettings } from './catalog.js';
import { connectMany, ownCpu, type ServerControl } from './control.js';
import type { Session } from './session.js';

/**
 * Push fan-out: `size.clients` clients connect and subscribe, a warm-up burst goes through;
 * each slice is then one burst of `size.events` events, timed from the publish request until
 * the last client has them all. Given several server URLs, client i connects to the i-th
 * modulo their count, and the events are published on the first.
 */
export async function openFanout(
  connect: Connect,
  urls: readonly string[],
  server: ServerControl,
  settings: RunSettings,
  size: FanoutSize,
): Promise<Session> {
  const clients: BenchClient[] = [];
  let target = 0;
  let remaining = 0;
  let delivered = 0;
  let published = 0;
  let finished: (() => void) | undefined;

  const burst = async (events: number): Promise<number> => {
    target += events;
    remaining = clients.length;
    delivered = 0;
    const all = new Promise<void>((resolve) => (finished = resolve));
    const start = performance.now();
    await server.publish(events, published);
    published += events;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(resolve, settings.fanoutTimeoutMs, true))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      throw new Error(
        `bench: fan-out incomplete after ${settings.fanoutTimeoutMs} ms (${delivered} of ${events * clients.length} delivered)`,
      );
    }
    return performance.now() - start;
  };

  try {
    let opened = 0;
    clients.push(...(await connectMany(size.clients, 50, () => connect(urls[opened++ % urls.length]!))));
    await Promise.all(
      clients.map((client) => {
        let seen = 0;
        return client.subscribe(() => {
          delivered++;
          if (++seen === target && --remaining === 0) finished?.();
        });
      }),
    );
    await burst(size.warmEvents);
  } catch (error) {
    for (const client of clients) client.close();
    throw error;
  }

  return {
    async slice() {
      const serverCpuStart = await server.cpu();
      const loadCpuStart = ownCpu();
      const ms = await burst(size.events);
      const loadCpu = ownCpu() - loadCpuStart;
      const serverCpu = (await server.cpu()) - serverCpuStart;
      const events = size.events * clients.length;
      return {
        eventsPerSec: events / (ms / 1000),
        lastMs: ms,
        delivered,
        serverCpuUs: serverCpu / events,
        loadCpuUs: loadCpu / events,
      };
    },
    close: () => {
      for (const client of clients) client.close();
    },
  };
}
