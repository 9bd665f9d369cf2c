/**
 * The load-generator process: opens one system's clients and runs scenarios on request,
 * reaching the server process through the coordinator. A call or fan-out scenario is
 * prepared once, measured in slices, then finished, so the coordinator can interleave
 * the slices of every system.
 */
import {
  callShapes,
  fanoutSize,
  idleSize,
  isPublishRate,
  type RunSettings,
  type ScenarioId,
} from '../scenarios/catalog.js';
import { openCalls } from '../scenarios/calls.js';
import type { MemoryReading, PublishWindow, ServerControl } from '../scenarios/control.js';
import { openFanout } from '../scenarios/fanout.js';
import { runIdle } from '../scenarios/idle.js';
import { openPublishRate } from '../scenarios/publish.js';
import type { Session } from '../scenarios/session.js';
import { systemNamed } from '../systems/index.js';
import { Channel } from './channel.js';
import { profiling, startProfile, stopProfile } from './profiler.js';

const system = systemNamed(process.argv[2] ?? '');
/** One URL per server process: fan-out across nodes splits its clients between them. */
const urls = process.argv.slice(3);
const url = urls[0] ?? '';
const connect = await system.client();
const channel = new Channel(process);

const server: ServerControl = {
  memory: () => channel.request<MemoryReading>('server', { op: 'memory' }),
  connections: () => channel.request<number>('server', { op: 'connections' }),
  cpu: () => channel.request<number>('server', { op: 'cpu' }),
  publish: (count, firstSeq) => channel.request<void>('server', { op: 'publish', args: { count, firstSeq } }),
  publishRate: (window: PublishWindow) => channel.request<number>('server', { op: 'publish-rate', args: window }),
  startProfile: () => channel.request<void>('server', { op: 'profile-start' }),
  stopProfile: (scenario) => channel.request<void>('server', { op: 'profile-stop', args: { scenario } }),
  heapCensus: (phase, scenario, connections) =>
    channel.request<void>('server', { op: 'heap-census', args: { phase, scenario, connections } }),
};

/** One measured slice; when profiling, both the server process(es) and this one are profiled through it, under `profileAs`. */
async function slice(scenario: ScenarioId, profileAs: ScenarioId): Promise<unknown> {
  if (!profiling) return session(scenario).slice();
  await Promise.all([server.startProfile(), startProfile()]);
  try {
    return await session(scenario).slice();
  } finally {
    await Promise.all([server.stopProfile(profileAs), stopProfile(profileAs)]);
  }
}

/** The scenario's session, connected and warmed up. */
async function open(scenario: ScenarioId, settings: RunSettings): Promise<Session> {
  const shape = callShapes[scenario];
  if (shape) return openCalls(connect, url, server, shape, settings);
  const size = fanoutSize(scenario, settings);
  if (size) return openFanout(connect, urls, server, settings, size);
  if (isPublishRate(scenario)) return openPublishRate(server, settings);
  throw new Error(`bench: "${scenario}" is not a sliced scenario`);
}

const sessions = new Map<ScenarioId, Session>();

function session(scenario: ScenarioId): Session {
  const found = sessions.get(scenario);
  if (!found) throw new Error(`bench: "${scenario}" was not prepared`);
  return found;
}

channel.serve(async (op, args) => {
  const { scenario, settings, profileAs } = args as {
    scenario: ScenarioId;
    settings: RunSettings;
    profileAs?: ScenarioId;
  };
  switch (op) {
    case 'idle': {
      const count = idleSize(scenario, settings);
      if (count === undefined) throw new Error(`bench: "${scenario}" is not an idle scenario`);
      // A heap snapshot of thousands of connections takes long: the smaller idle scenario says as much per connection.
      return runIdle(connect, url, server, count, profiling && scenario === 'idle' ? scenario : undefined);
    }
    case 'prepare':
      sessions.set(scenario, await open(scenario, settings));
      return null;
    case 'slice':
      return slice(scenario, profileAs ?? scenario);
    case 'finish':
      sessions.get(scenario)?.close();
      sessions.delete(scenario);
      return null;
    default:
      throw new Error(`bench: load process has no "${op}"`);
  }
});
process.on('disconnect', () => process.exit(0));
await channel.request('ready');
