/** What the load generator may ask of the server process (relayed by the coordinator). */
export interface ServerControl {
  /** Server-process memory after forced garbage collection. */
  memory(): Promise<MemoryReading>;
  /** Open connections the server counts. */
  connections(): Promise<number>;
  /** CPU time the server process has used so far, user plus system, in µs. */
  cpu(): Promise<number>;
  /** Publishes `count` events, one per turn of the event loop; resolves when all are handed over. */
  publish(count: number, firstSeq: number): Promise<void>;
  /** Publishes awaited per second, `depth` in flight, over `ms` after `warmMs` (at most `max`). */
  publishRate(window: PublishWindow): Promise<number>;
  /** Starts profiling the server process(es), when the run profiles (see process/profiler.ts). */
  startProfile(): Promise<void>;
  /** Stops profiling and writes the profile under `scenario`'s name. */
  stopProfile(scenario: string): Promise<void>;
  /** When the run profiles, counts the server's heap by kind of object, before or after `connections` open (see heap-census.ts). */
  heapCensus(phase: 'before' | 'after', scenario: string, connections: number): Promise<void>;
}

/** One publish-rate window. */
export interface PublishWindow {
  depth: number;
  warmMs: number;
  ms: number;
  max: number;
}

/** Bytes, from `process.memoryUsage()` after GC. */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
  external: number;
}

/** CPU time this process has used so far, user plus system, in µs. */
export function ownCpu(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Connects `count` clients, `batch` at a time so a slow handshake path does not time out. */
export async function connectMany<T>(count: number, batch: number, open: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  while (out.length < count) {
    const n = Math.min(batch, count - out.length);
    out.push(...(await Promise.all(Array.from({ length: n }, open))));
  }
  return out;
}

/** Polls `read` until it returns `want`, or fails after `timeoutMs`. */
export async function waitFor(read: () => Promise<number>, want: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let seen = await read();
  while (seen !== want) {
    if (performance.now() > deadline) throw new Error(`bench: server saw ${seen} connections, expected ${want}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    seen = await read();
  }
}
