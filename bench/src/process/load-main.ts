/**
 * The load-generator process: opens one system's clients and runs scenarios on request,
 * reaching the server process through the coordinator.
 */
import { callShapes, type RunSettings, type ScenarioId } from '../scenarios/catalog.js';
import { runCalls } from '../scenarios/calls.js';
import type { MemoryReading, ServerControl } from '../scenarios/control.js';
import { runFanout } from '../scenarios/fanout.js';
import { runIdle } from '../scenarios/idle.js';
import { systemNamed } from '../systems/index.js';
import { Channel } from './channel.js';

const system = systemNamed(process.argv[2] ?? '');
const url = process.argv[3] ?? '';
const connect = await system.client();
const channel = new Channel(process);

const server: ServerControl = {
  memory: () => channel.request<MemoryReading>('server', { op: 'memory' }),
  connections: () => channel.request<number>('server', { op: 'connections' }),
  cpu: () => channel.request<number>('server', { op: 'cpu' }),
  publish: (count, firstSeq) => channel.request<void>('server', { op: 'publish', args: { count, firstSeq } }),
};

channel.serve(async (op, args) => {
  if (op !== 'run') throw new Error(`bench: load process has no "${op}"`);
  const { scenario, settings } = args as { scenario: ScenarioId; settings: RunSettings };
  const shape = callShapes[scenario];
  if (shape) return runCalls(connect, url, server, shape, settings);
  if (scenario === 'fanout') return runFanout(connect, url, server, settings);
  if (scenario === 'idle') return runIdle(connect, url, server, settings);
  throw new Error(`bench: unknown scenario "${scenario}"`);
});
process.on('disconnect', () => process.exit(0));
await channel.request('ready');
