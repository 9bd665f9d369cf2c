/**
 * The server process: starts one system's server and answers the coordinator's requests
 * for memory readings, connection counts and publish bursts. Started with --expose-gc;
 * given a Redis URL after the system's name, shares its topics through that Redis (a node of
 * a Redis Cluster when REDIS_CLUSTER=1).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { eventData, largeEventData } from '../scenarios/payloads.js';
import { ownCpu, type MemoryReading, type PublishWindow } from '../scenarios/control.js';
import { systemNamed } from '../systems/index.js';
import { Channel } from './channel.js';
import { perConnection, takeCensus } from './heap-census.js';
import { profiling, readProfileFile, startProfile, stopProfile, writeProfileFile } from './profiler.js';

/** Node's `gc` (given --expose-gc), or Bun's synchronous full collection. */
const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
const gc = (globalThis as { gc?: () => void }).gc ?? (bun && (() => bun.gc(true)));
if (!gc) throw new Error('bench: the server process needs --expose-gc');

const system = systemNamed(process.argv[2] ?? '');
const redisUrl = process.argv[3];
const redisCluster = process.env['REDIS_CLUSTER'] === '1';
// Processes of a compressed scenario (see isCompressed) are started with BENCH_DEFLATE=1.
const deflate = process.env['BENCH_DEFLATE'] === '1';
const server = await (
  await system.server()
)({ ...(redisUrl && { redisUrl, redisCluster }), ...(deflate && { deflate }) });
const event = deflate ? largeEventData : eventData;
const channel = new Channel(process);

async function readMemory(): Promise<MemoryReading> {
  // Several collections with turns between them, so weak callbacks and finalizers run too.
  for (let i = 0; i < 4; i++) {
    gc!();
    await nextTurn();
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

/**
 * One event per turn of the event loop, as events arriving from elsewhere would: none waits
 * for the one before to be acknowledged. An in-memory broker has delivered an event before its
 * publish returns, so awaiting each changed nothing there; through Redis it made every event
 * wait a round trip, queued behind this node's own delivery of the one before, and the
 * fan-out measured that chain rather than delivery.
 */
async function publish(count: number, firstSeq: number): Promise<void> {
  const acknowledged: Array<Promise<unknown>> = [];
  let failed: { reason: unknown } | undefined;
  for (let i = 0; i < count; i++) {
    // Caught at once: a rejection left unhandled for a turn would end the process.
    acknowledged.push(Promise.resolve(server.publish(event(firstSeq + i))).catch((reason) => (failed ??= { reason })));
    await nextTurn();
  }
  await Promise.all(acknowledged);
  if (failed) throw failed.reason;
}

/** Publishes for `warmMs` and then for a measured `ms`, `depth` at a time, each awaited; publishes per second. */
async function publishRate({ depth, warmMs, ms, max }: PublishWindow): Promise<number> {
  let seq = 0;
  const run = async (windowMs: number, limit: number) => {
    let done = 0;
    const end = performance.now() + windowMs;
    const lane = async () => {
      while (done < limit && performance.now() < end) {
        await server.publish(eventData(seq++));
        done++;
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: depth }, lane));
    return done / ((performance.now() - start) / 1000);
  };
  await run(warmMs, max);
  return run(ms, max);
}

/**
 * A heap census before or after the idle connections open; after, what each holds is written
 * beside the CPU profiles. The first census waits on disk, not on the heap it would skew.
 */
async function heapCensus({
  phase,
  scenario,
  connections,
}: {
  phase: 'before' | 'after';
  scenario: string;
  connections: number;
}): Promise<void> {
  if (!profiling) return;
  if (phase === 'before') {
    writeProfileFile(scenario, 'heap-before.json', JSON.stringify([...(await takeCensus())]));
    return;
  }
  const after = await takeCensus();
  const before = new Map(
    JSON.parse(readProfileFile(scenario, 'heap-before.json')) as Array<[string, { count: number; bytes: number }]>,
  );
  const rows = perConnection(before, after, connections);
  writeProfileFile(scenario, 'heap.json', `${JSON.stringify({ connections, rows: rows.slice(0, 60) }, null, 1)}\n`);
}

channel.serve(async (op, args) => {
  switch (op) {
    case 'memory':
      return readMemory();
    case 'cpu':
      return ownCpu();
    case 'connections':
      return server.connections();
    case 'publish': {
      const { count, firstSeq } = args as { count: number; firstSeq: number };
      return publish(count, firstSeq);
    }
    case 'heap-census':
      await heapCensus(args as Parameters<typeof heapCensus>[0]);
      return null;
    case 'profile-start':
      await startProfile();
      return null;
    case 'profile-stop':
      await stopProfile((args as { scenario: string }).scenario);
      return null;
    case 'publish-rate':
      return publishRate(args as PublishWindow);
    case 'stop':
      await server.close();
      setImmediate(() => process.exit(0));
      return null;
    default:
      throw new Error(`bench: server process has no "${op}"`);
  }
});
process.on('disconnect', () => process.exit(0));
await channel.request('ready', { port: server.port });
