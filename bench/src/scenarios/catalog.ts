/**
 * What is measured: the scenarios, their sizes in each mode, and the rows of the report.
 * Parent and load generator both read it, so the two can never disagree on a scenario.
 */

/** A scenario's name; each runs once per system per round. */
export type ScenarioId =
  | 'idle'
  | 'idle-large'
  | 'sequential'
  | 'inflight'
  | 'conns'
  | 'echo1k'
  | 'fanout'
  | 'fanout-large'
  | 'fanout-deflate'
  | 'fanout-redis'
  | 'publish-redis'
  | 'fanout-redis-cluster'
  | 'publish-redis-cluster';

/** Runs in this order: idle memory first, on fresh server processes, so its baseline is the process at rest. */
export const scenarioOrder: readonly ScenarioId[] = [
  'idle',
  'idle-large',
  'sequential',
  'inflight',
  'conns',
  'echo1k',
  'fanout',
  'fanout-large',
  'fanout-deflate',
  'fanout-redis',
  'publish-redis',
  'fanout-redis-cluster',
  'publish-redis-cluster',
];

/**
 * Scenarios only some systems can run, and which; the others show n/a. Fan-out across two
 * server processes needs a broker between them: Tether's is @tether/redis, and the peers'
 * (socket.io's Redis adapter, say) are not installed here.
 */
export const onlyFor: Partial<Record<ScenarioId, readonly string[]>> = {
  // Compression is an option of the floors' ws server and of Tether's; the peers are not measured with it.
  'fanout-deflate': ['raw-ws', 'raw-ws-cork', 'tether'],
  'fanout-redis': ['tether'],
  'publish-redis': ['tether'],
  'fanout-redis-cluster': ['tether'],
  'publish-redis-cluster': ['tether'],
};

/** Whether a system (limited to `itsScenarios`, if given) runs `scenario`. */
export const runs = (system: string, scenario: ScenarioId, itsScenarios?: readonly ScenarioId[]): boolean =>
  (onlyFor[scenario]?.includes(system) ?? true) && (itsScenarios?.includes(scenario) ?? true);

/** What a scenario over Redis runs on: its server processes, and whether they share a Redis Cluster rather than one redis-server. */
interface OverRedis {
  nodes: number;
  cluster: boolean;
}

const overRedis: Partial<Record<ScenarioId, OverRedis>> = {
  'fanout-redis': { nodes: 2, cluster: false },
  'publish-redis': { nodes: 1, cluster: false },
  'fanout-redis-cluster': { nodes: 2, cluster: true },
  'publish-redis-cluster': { nodes: 1, cluster: true },
};

/** Server processes of a scenario that runs over a fresh local Redis; undefined for one without Redis. */
export const redisNodesOf = (scenario: ScenarioId): number | undefined => overRedis[scenario]?.nodes;

/** Whether a scenario's Redis is a fresh local 3-master Redis Cluster (else one redis-server). */
export const onRedisCluster = (scenario: ScenarioId): boolean => overRedis[scenario]?.cluster ?? false;

/**
 * A scenario whose ratio is to a reference scenario of the same system, measured on the round's
 * other processes in the same window: each slice of the scenario is paired with one slice of the
 * reference, taken just before or after it, whose figures join the slice under `prefix`.
 */
export interface Alongside {
  scenario: ScenarioId;
  prefix: string;
}

/**
 * Two Redis nodes against Tether on one node: measured alongside rather than in the round's own
 * fan-out scenario, which ran earlier under whatever load the machine had then; on a shared
 * machine that alone moved the ratio between rounds from 1.3x to 4.2x.
 */
const alongside: Partial<Record<ScenarioId, Alongside>> = {
  'fanout-redis': { scenario: 'fanout', prefix: 'oneNode' },
  'fanout-redis-cluster': { scenario: 'fanout', prefix: 'oneNode' },
};

/** The reference a scenario is measured alongside; undefined for most. */
export const alongsideOf = (scenario: ScenarioId): Alongside | undefined => alongside[scenario];

/** The name a reference's metric takes in the paired slice: `oneNode` + `eventsPerSec` is `oneNodeEventsPerSec`. */
export const alongsideMetric = (prefix: string, metric: string): string =>
  `${prefix}${metric.charAt(0).toUpperCase()}${metric.slice(1)}`;

/**
 * Whether a scenario runs on server processes of its own with permessage-deflate on, publishing
 * events of about 2 KB of JSON (compressed; the usual events are under the 1 KB threshold).
 */
export const isCompressed = (scenario: ScenarioId): boolean => scenario === 'fanout-deflate';

/** Whether a scenario measures the broker's publish rate inside the server process (no client involved). */
export const isPublishRate = (scenario: ScenarioId): boolean =>
  scenario === 'publish-redis' || scenario === 'publish-redis-cluster';

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
  /** Length of a call slice's measured window (and of each publish-rate window). */
  sliceMs: number;
  /** Upper bound on calls (or publishes) in one slice, whatever the time. */
  maxCalls: number;
  idleConnections: number;
  /** Connections of the larger idle scenario, spread over several loopback source addresses when needed. */
  idleConnectionsLarge: number;
  fanoutClients: number;
  /** Events of one fan-out slice. */
  fanoutEvents: number;
  /** Subscribers of the larger fan-out scenario. */
  fanoutClientsLarge: number;
  /** Events of one slice of the larger fan-out scenario. */
  fanoutEventsLarge: number;
  /** Events published and awaited once, before the measured bursts. */
  fanoutWarmEvents: number;
  /** The same for the larger fan-out, whose every event is many more sends. */
  fanoutWarmEventsLarge: number;
  /** Longest a fan-out burst may take before it is reported as incomplete. */
  fanoutTimeoutMs: number;
  /** Publishes kept in flight in the pipelined publish-rate window. */
  publishDepth: number;
}

export const fullSettings: RunSettings = {
  rounds: 3,
  slices: 3,
  warmMs: 500,
  sliceWarmMs: 100,
  sliceMs: 600,
  maxCalls: 2_000_000,
  idleConnections: 2000,
  idleConnectionsLarge: 10_000,
  fanoutClients: 200,
  fanoutEvents: 500,
  fanoutClientsLarge: 2000,
  fanoutEventsLarge: 30,
  fanoutWarmEvents: 50,
  fanoutWarmEventsLarge: 10,
  fanoutTimeoutMs: 30_000,
  publishDepth: 100,
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
  idleConnectionsLarge: 3000,
  fanoutClients: 200,
  fanoutEvents: 200,
  fanoutClientsLarge: 1000,
  fanoutEventsLarge: 20,
  fanoutWarmEvents: 10,
  fanoutWarmEventsLarge: 5,
  fanoutTimeoutMs: 10_000,
  publishDepth: 100,
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

/** A fan-out scenario's size: subscribers, events per measured burst, and events of the warm-up burst. */
export interface FanoutSize {
  clients: number;
  events: number;
  warmEvents: number;
}

/** The size of a fan-out scenario; undefined for any other. */
export function fanoutSize(scenario: ScenarioId, settings: RunSettings): FanoutSize | undefined {
  if (scenario === 'fanout' || scenario === 'fanout-deflate') {
    return { clients: settings.fanoutClients, events: settings.fanoutEvents, warmEvents: settings.fanoutWarmEvents };
  }
  // Its server processes are fresh: a warm-up as long as a slice, or the first slice measures
  // the JIT (it ran at 40-60% of the second in every round of a run with the short one).
  if (scenario === 'fanout-redis' || scenario === 'fanout-redis-cluster') {
    return { clients: settings.fanoutClients, events: settings.fanoutEvents, warmEvents: settings.fanoutEvents };
  }
  if (scenario === 'fanout-large') {
    return {
      clients: settings.fanoutClientsLarge,
      events: settings.fanoutEventsLarge,
      warmEvents: settings.fanoutWarmEventsLarge,
    };
  }
  return undefined;
}

/** Connections of an idle-memory scenario. */
export function idleSize(scenario: ScenarioId, settings: RunSettings): number | undefined {
  if (scenario === 'idle') return settings.idleConnections;
  if (scenario === 'idle-large') return settings.idleConnectionsLarge;
  return undefined;
}

/** Figures a scenario reports, by metric name. */
export type Metrics = Record<string, number>;

/**
 * What a row's ratio is taken against: `floor`, the scenario's baseline (the better floor in
 * the run); `none`, no ratio (an absolute figure); or `alongside`, the same system's row of
 * that metric in the same scenario: a reference measured alongside (see Alongside).
 */
export type RowBaseline = 'floor' | 'none' | { alongside: string; note: string };

/** One row of the report. */
export interface Row {
  scenario: ScenarioId | 'bundle';
  metric: string;
  /** `{setting}` stands for that RunSettings figure: the label names the sizes of the run it describes. */
  label: string;
  unit: string;
  /** Which way is better, so a ratio can be read. */
  better: 'higher' | 'lower';
  baseline: RowBaseline;
  /** Taken from the slice best in this row's own metric, rather than from the slice best in the scenario's first row. */
  ownBest?: boolean;
}

/** The rows of a fan-out; `what` names it in each label, e.g. 'fan-out to {fanoutClients}'. */
const fanoutRows = (scenario: 'fanout' | 'fanout-large' | 'fanout-deflate', what: string): Row[] => [
  {
    scenario,
    metric: 'eventsPerSec',
    label: `${what} subscribers, delivered events`,
    unit: 'events/s',
    better: 'higher',
    baseline: 'floor',
  },
  {
    scenario,
    metric: 'lastMs',
    label: `${what}: until last client has all`,
    unit: 'ms',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario,
    metric: 'serverCpuUs',
    label: `${what}: server CPU per delivered event`,
    unit: 'µs',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario,
    metric: 'loadCpuUs',
    label: `${what}: client CPU per delivered event`,
    unit: 'µs',
    better: 'lower',
    baseline: 'floor',
  },
];

const oneNodeNote = 'Tether on one node, measured alongside';

/**
 * A fan-out over two nodes sharing Redis: delivered events and server CPU per delivered event
 * (both nodes summed), each against Tether on one node in memory measured alongside, and that
 * reference's own figures. The time until the last client has all is events/s over again, so it has no row.
 */
const twoNodeRows = (scenario: 'fanout-redis' | 'fanout-redis-cluster', via: string): Row[] => [
  {
    scenario,
    metric: 'eventsPerSec',
    label: `fan-out to {fanoutClients}, 2 nodes via ${via}, delivered events`,
    unit: 'events/s',
    better: 'higher',
    baseline: { alongside: alongsideMetric('oneNode', 'eventsPerSec'), note: oneNodeNote },
  },
  {
    scenario,
    metric: 'serverCpuUs',
    label: `fan-out to {fanoutClients}, 2 nodes via ${via}: server CPU per delivered event, both nodes`,
    unit: 'µs',
    better: 'lower',
    baseline: { alongside: alongsideMetric('oneNode', 'serverCpuUs'), note: oneNodeNote },
    ownBest: true,
  },
  {
    scenario,
    metric: alongsideMetric('oneNode', 'eventsPerSec'),
    label: `fan-out to {fanoutClients}, Tether on one node alongside the ${via} slices, delivered events`,
    unit: 'events/s',
    better: 'higher',
    baseline: 'none',
    ownBest: true,
  },
  {
    scenario,
    metric: alongsideMetric('oneNode', 'serverCpuUs'),
    label: `fan-out to {fanoutClients}, Tether on one node alongside the ${via} slices: server CPU per delivered event`,
    unit: 'µs',
    better: 'lower',
    baseline: 'none',
    ownBest: true,
  },
];

export const rows: readonly Row[] = [
  {
    scenario: 'sequential',
    metric: 'callsPerSec',
    label: 'sequential calls, 1 conn',
    unit: 'calls/s',
    better: 'higher',
    baseline: 'floor',
  },
  {
    scenario: 'sequential',
    metric: 'p50Us',
    label: 'sequential latency p50',
    unit: 'µs',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario: 'sequential',
    metric: 'p99Us',
    label: 'sequential latency p99',
    unit: 'µs',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario: 'inflight',
    metric: 'callsPerSec',
    label: '64 in flight, 1 conn',
    unit: 'calls/s',
    better: 'higher',
    baseline: 'floor',
  },
  {
    scenario: 'inflight',
    metric: 'serverCpuUs',
    label: '64 in flight: server CPU per call',
    unit: 'µs',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario: 'inflight',
    metric: 'loadCpuUs',
    label: '64 in flight: client CPU per call',
    unit: 'µs',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario: 'conns',
    metric: 'callsPerSec',
    label: '16 conns × 16 in flight',
    unit: 'calls/s',
    better: 'higher',
    baseline: 'floor',
  },
  {
    scenario: 'echo1k',
    metric: 'callsPerSec',
    label: '1 KB echo, 64 in flight',
    unit: 'calls/s',
    better: 'higher',
    baseline: 'floor',
  },
  {
    scenario: 'echo1k',
    metric: 'mbPerSec',
    label: '1 KB echo, params+result',
    unit: 'MB/s',
    better: 'higher',
    baseline: 'floor',
  },
  ...fanoutRows('fanout', 'fan-out to {fanoutClients}'),
  ...fanoutRows('fanout-large', 'fan-out to {fanoutClientsLarge}'),
  ...fanoutRows('fanout-deflate', 'compressed fan-out (permessage-deflate, 2 KB events) to {fanoutClients}'),
  ...twoNodeRows('fanout-redis', 'Redis'),
  {
    scenario: 'publish-redis',
    metric: 'oneAtATime',
    label: 'publish via Redis, one at a time (absolute)',
    unit: 'publishes/s',
    better: 'higher',
    baseline: 'none',
    ownBest: true,
  },
  {
    scenario: 'publish-redis',
    metric: 'inFlight',
    label: 'publish via Redis, {publishDepth} in flight (absolute)',
    unit: 'publishes/s',
    better: 'higher',
    baseline: 'none',
    ownBest: true,
  },
  ...twoNodeRows('fanout-redis-cluster', 'Redis Cluster'),
  {
    scenario: 'publish-redis-cluster',
    metric: 'oneAtATime',
    label: 'publish via Redis Cluster, one at a time (absolute)',
    unit: 'publishes/s',
    better: 'higher',
    baseline: 'none',
    ownBest: true,
  },
  {
    scenario: 'publish-redis-cluster',
    metric: 'inFlight',
    label: 'publish via Redis Cluster, {publishDepth} in flight (absolute)',
    unit: 'publishes/s',
    better: 'higher',
    baseline: 'none',
    ownBest: true,
  },
  {
    scenario: 'idle',
    metric: 'heapPerConn',
    label: 'idle, {idleConnections} conns: server heap per conn',
    unit: 'KB',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario: 'idle',
    metric: 'rssPerConn',
    label: 'idle, {idleConnections} conns: server RSS per conn',
    unit: 'KB',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario: 'idle-large',
    metric: 'heapPerConn',
    label: 'idle, {idleConnectionsLarge} conns: server heap per conn',
    unit: 'KB',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario: 'idle-large',
    metric: 'rssPerConn',
    label: 'idle, {idleConnectionsLarge} conns: server RSS per conn',
    unit: 'KB',
    better: 'lower',
    baseline: 'floor',
  },
  {
    scenario: 'bundle',
    metric: 'gzipBytes',
    label: 'browser bundle, min+gzip',
    unit: 'KB',
    better: 'lower',
    baseline: 'none',
  },
];

/** The row a scenario is ranked by and its baseline picked on: its first in the table (calls/s, events/s, heap per connection). */
export const primaryRowOf = (scenario: ScenarioId): Row | undefined => rows.find((r) => r.scenario === scenario);

/** `text` with its `{setting}` placeholders filled from `settings` (left as they are where a setting is missing). */
export function withSizes(text: string, settings: RunSettings): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = (settings as unknown as Record<string, unknown>)[key];
    return typeof value === 'number' ? value.toLocaleString('en-US') : whole;
  });
}

/** `row`'s label with the sizes of the run it describes. */
export const rowLabel = (row: Row, settings: RunSettings): string => withSizes(row.label, settings);
