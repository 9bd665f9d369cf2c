/**
 * A child process for idle-heap.test.ts: a Tether server that, once `CONNECTIONS` clients have
 * connected and sit idle, counts the closures its heap gained per connection, by name, (from V8 heap
 * snapshots before and after) and prints the figure. A process of its own, so that neither the
 * clients nor the test runner show in the count.
 */
import { Session } from 'node:inspector/promises';
import { createServer } from './server.js';

async function closures(): Promise<Map<string, number>> {
  const session = new Session();
  session.connect();
  const chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (message) => chunks.push(message.params.chunk));
  await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  session.disconnect();
  const snapshot = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const closure = snapshot.snapshot.meta.node_types[0].indexOf('closure');
  const [typeAt, nameAt] = [fields.indexOf('type'), fields.indexOf('name')];
  const byName = new Map<string, number>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    if (snapshot.nodes[i + typeAt] !== closure) continue;
    const name = snapshot.strings[snapshot.nodes[i + nameAt]!] || '(anonymous)';
    byName.set(name, (byName.get(name) ?? 0) + 1);
  }
  return byName;
}

const connections = Number(process.env.CONNECTIONS);
const server = await createServer({ port: 0, host: '127.0.0.1' });
let connected = 0;
const before = await closures();
server.on('connect', () => {
  if (++connected < connections) return;
  setImmediate(() => {
    void closures().then(async (after) => {
      const grown: Record<string, number> = {};
      for (const [name, count] of after) {
        const per = (count - (before.get(name) ?? 0)) / connections;
        if (per >= 0.5) grown[name] = per;
      }
      process.stdout.write(`${JSON.stringify(grown)}\n`);
      await server.close({ deadline: 0 });
    });
  });
});
process.stdout.write(`url ${server.url}\n`);
