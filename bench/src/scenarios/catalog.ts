/**
 * What is measured: the scenarios, their sizes in each mode, and the rows of the report.
 * Parent and load generator both read it, so the two can never disagree on a scenario.
 */

/** A scenario's name; each runs once per system per round. */
export type ScenarioId = 'idle' | 'sequential' | 'inflight' | 'conns' | 'echo1k' | 'fanout' | 'fanout-redis';

/** Runs in this order: idle first, on a fresh server process, so its memory baseline is clean. */
export const scenarioOrder: readonly ScenarioId[] = ['idle', 'sequential', 'inflight', 'conns', 'echo1k', 'fanout', 'fanout-redis'];

/**
 * Scenarios only some systems can run, and which; the others show n/a. Fan-out across two
 * server processes needs a broker between them: Tether's is @tether/redis, and the peers'
 * (socket.io's Redis adapter, say) are not installed here.
 */
export const onlyFor: Partial<Record<ScenarioId, readonly string[]>> = { 'fanout-redis': ['tether'] };

/** Whether `system` runs `scenario`. */
export const runs = (system: string, scenario: ScenarioId): boolean => onlyFor[scenario]?.includes(system) ?? true;

/** Server processes a scenario runs on, sharing one redis-server when more than one. */
export const nodesOf = (scenario: ScenarioId): number => (scenario === 'fanout-redis' ? 2 : 1);

/** Sizes and time bounds of one run. */
export interface RunSettings {
  /** Rounds over every system, each on fresh server and load-generator processes. */
  rounds: number;
  /** Measured slices per sliced scenario per round; slices of all systems are interleaved. */
  slices: number;
  /** Calls made once after connecting, before any slice. */
  warmMs: number;
  /** Calls made at the start of each slice, before its window opens. */
  sliceWarmMs: number;
  /** Length of a call slice's measured window. */
  sliceMs: number;
  /** Upper bound on calls in one slice, whatever the time. */
  maxCalls: number;
  idleConnections: number;
  fanoutClients: number;
  /** Events of one fan-out slice. */
  fanoutEvents: number;
  /** Events published and awaited once, before the measured bursts. */
  fanoutWarmEvents: number;
  /** Longest a fan-out burst may take before it is reported as incomplete. */
  fanoutTimeoutMs: number;
}

export const fullSettings: RunSettings = {
  rounds: 3,
  slices: 3,
  warmMs: 500,
  sliceWarmMs: 100,
  sliceMs: 600,
  maxCalls: 2_000_000,
  idleConnections: 2000,
  fanoutClients: 200,
  fanoutEvents: 500,
  fanoutWarmEvents: 50,
  fanoutTimeoutMs: 30_000,
};

/** Smaller in every dimension but shape, to finish within a minute; its figures are a smoke test. */
export const quickSettings: RunSettings = {
  rounds: 1,
  slices: 2,
  warmMs: 150,
  sliceWarmMs: 50,
  sliceMs: 250,
  maxCalls: 1_000_000,
  idleConnections: 1000,
  fanoutClients: 200,
  fanoutEvents: 200,
  fanoutWarmEvents: 20,
  fanoutTimeoutMs: 10_000,
};

/** The shape of a call scenario: how many connections, calls in flight on each, which params. */
export interface CallShape {
  connections: number;
  depth: number;
  params: 'small' | 'kilobyte';
  /** Whether each call's latency is recorded (only meaningful at depth 1). */
  latency: boolean;
}

export const callShapes: Partial<Record<ScenarioId, CallShape>> = {
  sequential: { connections: 1, depth: 1, params: 'small', latency: true },
  inflight: { connections: 1, depth: 64, params: 'small', latency: false },
  conns: { connections: 16, depth: 16, params: 'small', latency: false },
  echo1k: { connections: 1, depth: 64, params: 'kilobyte', latency: false },
};

/** Figures a scenario reports, by metric name. */
export type Metrics = Record<string, number>;

/** One row of the report. */
export interface Row {
  scenario: ScenarioId | 'bundle';
  metric: string;
  label: string;
  unit: string;
  /** Which way is better, so a ratio can be read. */
  better: 'higher' | 'lower';
  /** Whether Tether's target (>= 0.95x raw ws, ahead of every peer) applies to this row. */
  target: boolean;
}

export const rows: readonly Row[] = [
  { scenario: 'sequential', metric: 'callsPerSec', label: 'sequential calls, 1 conn', unit: 'calls/s', better: 'higher', target: true },
  { scenario: 'sequential', metric: 'p50Us', label: 'sequential latency p50', unit: 'µs', better: 'lower', target: false },
  { scenario: 'sequential', metric: 'p99Us', label: 'sequential latency p99', unit: 'µs', better: 'lower', target: false },
  { scenario: 'inflight', metric: 'callsPerSec', label: '64 in flight, 1 conn', unit: 'calls/s', better: 'higher', target: true },
  { scenario: 'inflight', metric: 'serverCpuUs', label: '64 in flight: server CPU per call', unit: 'µs', better: 'lower', target: false },
  { scenario: 'inflight', metric: 'loadCpuUs', label: '64 in flight: client CPU per call', unit: 'µs', better: 'lower', target: false },
  { scenario: 'conns', metric: 'callsPerSec', label: '16 conns × 16 in flight', unit: 'calls/s', better: 'higher', target: true },
  { scenario: 'echo1k', metric: 'callsPerSec', label: '1 KB echo, 64 in flight', unit: 'calls/s', better: 'higher', target: true },
  { scenario: 'echo1k', metric: 'mbPerSec', label: '1 KB echo, params+result', unit: 'MB/s', better: 'higher', target: false },
  { scenario: 'fanout', metric: 'eventsPerSec', label: 'fan-out, delivered events', unit: 'events/s', better: 'higher', target: true },
  { scenario: 'fanout', metric: 'lastMs', label: 'fan-out, until last client has all', unit: 'ms', better: 'lower', target: false },
  { scenario: 'fanout', metric: 'serverCpuUs', label: 'fan-out: server CPU per event', unit: 'µs', better: 'lower', target: false },
  { scenario: 'fanout', metric: 'loadCpuUs', label: 'fan-out: client CPU per event', unit: 'µs', better: 'lower', target: false },
  // Absolute figures only: raw ws has no second node, and a ratio to its single-node fan-out would read as overhead.
  { scenario: 'fanout-redis', metric: 'eventsPerSec', label: 'fan-out, 2 nodes via Redis, delivered events (absolute)', unit: 'events/s', better: 'higher', target: false },
  { scenario: 'fanout-redis', metric: 'lastMs', label: 'fan-out, 2 nodes via Redis, until last client has all (absolute)', unit: 'ms', better: 'lower', target: false },
  { scenario: 'idle', metric: 'heapPerConn', label: 'idle server heap per conn', unit: 'KB', better: 'lower', target: false },
  { scenario: 'idle', metric: 'rssPerConn', label: 'idle server RSS per conn', unit: 'KB', better: 'lower', target: false },
  { scenario: 'bundle', metric: 'gzipBytes', label: 'browser bundle, min+gzip', unit: 'KB', better: 'lower', target: false },
];
