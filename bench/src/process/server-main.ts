/**
 * The server process: starts one system's server and answers the coordinator's requests
 * for memory readings, connection counts and publish bursts. Started with --expose-gc;
 * given a Redis URL after the system's name, shares its topics through that Redis.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { eventData } from '../scenarios/payloads.js';
import { ownCpu, type MemoryReading } from '../scenarios/control.js';
import { systemNamed } from '../systems/index.js';
import { Channel } from './channel.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('bench: the server process needs --expose-gc');

const system = systemNamed(process.argv[2] ?? '');
const redisUrl = process.argv[3];
const server = await (await system.server())(redisUrl ? { redisUrl } : undefined);
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

/** One event per turn of the event loop, as events arriving from elsewhere would. */
async function publish(count: number, firstSeq: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await server.publish(eventData(firstSeq + i));
    await nextTurn();
  }
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
