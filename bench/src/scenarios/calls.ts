import type { BenchClient, Connect } from '../systems/types.js';
import type { CallShape, Metrics, RunSettings } from './catalog.js';
import { jsonBytes, kilobyteParams, smallParams } from './payloads.js';
import { percentile } from './stats.js';
import { ownCpu, type ServerControl } from './control.js';

/** Most latencies kept; past it the window still counts calls but records no more samples. */
const MAX_SAMPLES = 2_000_000;

/**
 * Keeps `depth` calls in flight on each of `connections` connections: warm-up first, then a
 * measured window of fixed length, all on the same connections. Each lane awaits its call
 * before the next, so the depth is exact; the count bound stops a runaway system.
 */
export async function runCalls(
  connect: Connect,
  url: string,
  server: ServerControl,
  shape: CallShape,
  settings: RunSettings,
): Promise<Metrics> {
  const clients: BenchClient[] = [];
  try {
    for (let i = 0; i < shape.connections; i++) clients.push(await connect(url));
    const params = shape.params === 'kilobyte' ? kilobyteParams : smallParams;
    const samples = shape.latency ? new Float64Array(MAX_SAMPLES) : undefined;
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

    await sleep(settings.warmMs);
    // The server's CPU reading travels over IPC while calls run; its few hundred µs land inside the window.
    const serverCpuStart = await server.cpu();
    const loadCpuStart = ownCpu();
    measuring = true;
    const start = performance.now();
    await Promise.race([sleep(settings.measureMs), until(() => stopped)]);
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
      metrics.p999Us = percentile(kept, 0.999) * 1000;
    }
    if (shape.params === 'kilobyte') metrics.mbPerSec = ((counted / seconds) * 2 * jsonBytes(params)) / 1e6;
    return metrics;
  } finally {
    for (const client of clients) client.close();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `check` turns true, polling lightly; used only to end a window early. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(20);
}
