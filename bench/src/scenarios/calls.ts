import type { BenchClient, Connect } from '../systems/types.js';
import type { CallShape, Metrics, RunSettings } from './catalog.js';
import { ownCpu, type ServerControl } from './control.js';
import { jsonBytes, kilobyteParams, smallParams } from './payloads.js';
import type { Session } from './session.js';
import { percentile } from './stats.js';

/** Most latencies kept per slice; past it the slice still counts calls but records no more samples. */
const MAX_SAMPLES = 1_000_000;

/**
 * Opens `shape.connections` connections and warms them up; each slice then keeps `depth`
 * calls in flight on every connection for a short re-warm and a measured window. Each lane
 * awaits its call before the next, so the depth is exact; the count bound stops a runaway.
 */
export async function openCalls(
  connect: Connect,
  url: string,
  server: ServerControl,
  shape: CallShape,
  settings: RunSettings,
): Promise<Session> {
  const clients: BenchClient[] = [];
  try {
    for (let i = 0; i < shape.connections; i++) clients.push(await connect(url));
  } catch (error) {
    for (const client of clients) client.close();
    throw error;
  }
  const params = shape.params === 'kilobyte' ? kilobyteParams : smallParams;
  const samples = shape.latency ? new Float64Array(MAX_SAMPLES) : undefined;

  const run = async (warmMs: number, measureMs: number): Promise<Metrics> => {
    let measuring = false;
    let stopped = false;
    let done = 0;
    let sampled = 0;
    let failure: unknown;
    const lane = async (client: BenchClient) => {
      while (!stopped) {
        const start = performance.now();
        await client.call(params);
        if (!measuring) continue;
        done++;
        if (samples && sampled < MAX_SAMPLES) samples[sampled++] = performance.now() - start;
        if (done >= settings.maxCalls) stopped = true;
      }
    };
    const lanes: Promise<void>[] = [];
    for (const client of clients) {
      for (let d = 0; d < shape.depth; d++) {
        lanes.push(
          lane(client).catch((error: unknown) => {
            failure ??= error;
            stopped = true;
          }),
        );
      }
    }
    await sleep(warmMs);
    // The server's CPU reading travels over IPC while calls run; its few hundred µs land in the window.
    const serverCpuStart = await server.cpu();
    const loadCpuStart = ownCpu();
    measuring = true;
    const start = performance.now();
    await Promise.race([sleep(measureMs), until(() => stopped)]);
    const seconds = (performance.now() - start) / 1000;
    const counted = done;
    measuring = false;
    const loadCpu = ownCpu() - loadCpuStart;
    const serverCpu = (await server.cpu()) - serverCpuStart;
    stopped = true;
    await Promise.all(lanes);
    if (failure) throw failure;

    const metrics: Metrics = {
      callsPerSec: counted / seconds,
      calls: counted,
      serverCpuUs: serverCpu / counted,
      loadCpuUs: loadCpu / counted,
    };
    if (samples) {
      const kept = samples.subarray(0, sampled).sort();
      metrics.p50Us = percentile(kept, 0.5) * 1000;
      metrics.p90Us = percentile(kept, 0.9) * 1000;
      metrics.p99Us = percentile(kept, 0.99) * 1000;
    }
    if (shape.params === 'kilobyte') metrics.mbPerSec = ((counted / seconds) * 2 * jsonBytes(params)) / 1e6;
    return metrics;
  };

  try {
    await run(settings.warmMs, 0);
  } catch (error) {
    for (const client of clients) client.close();
    throw error;
  }
  return {
    slice: () => run(settings.sliceWarmMs, settings.sliceMs),
    close: () => {
      for (const client of clients) client.close();
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `check` turns true, polling lightly; used only to end a window early. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(20);
}
