/**
 * The load-generator process: opens one system's clients and runs scenarios on request,
 * reaching the server process through the coordinator. A call or fan-out scenario is
 * prepared once, measured in slices, then finished, so the coordinator can interleave
 * the slices of every system.
 */
import { callShapes, type RunSettings, type ScenarioId } from '../scenarios/catalog.js';
import { openCalls } from '../scenarios/calls.js';
import type { MemoryReading, ServerControl } from '../scenarios/control.js';
import { openFanout } from '../scenarios/fanout.js';
import { runIdle } from '../scenarios/idle.js';
import type { Session } from '../scenarios/session.js';
import { systemNamed } from '../systems/index.js';
import { Channel } from './channel.js';

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
};

const sessions = new Map<ScenarioId, Session>();

function session(scenario: ScenarioId): Session {
  const found = sessions.get(scenario);
  if (!found) throw new Error(`bench: "${scenario}" was not prepared`);
  return found;
}

channel.serve(async (op, args) => {
  const { scenario, settings } = args as { scenario: ScenarioId; settings: RunSettings };
  switch (op) {
    case 'idle':
      return runIdle(connect, url, server, settings);
    case 'prepare': {
      const shape = callShapes[scenario];
      const opened = shape
        ? await openCalls(connect, url, server, shape, settings)
        : scenario === 'fanout' || scenario === 'fanout-redis'
          ? await openFanout(connect, urls, server, settings)
          : undefined;
      if (!opened) throw new Error(`bench: "${scenario}" is not a sliced scenario`);
      sessions.set(scenario, opened);
      return null;
    }
    case 'slice':
      return session(scenario).slice();
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
