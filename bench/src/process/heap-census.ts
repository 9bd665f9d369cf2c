/**
 * What the heap holds, counted by kind of object, from a V8 heap snapshot of this process: the
 * idle scenario takes one before and one after opening its connections (`pnpm bench --profile`),
 * and the difference per connection says what each idle connection keeps alive.
 */
import { Session } from 'node:inspector/promises';

/** Objects and their self size in bytes, by `type name` (a constructor, a closure's function name, a string kind). */
export type Census = Map<string, { count: number; bytes: number }>;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Kinds whose name is their content (a string's text, a number's value): counted under the kind alone. */
const unnamed = new Set(['string', 'concatenated string', 'sliced string', 'number', 'heap number', 'bigint']);

/** Takes a heap snapshot (after a GC, as V8 does before one) and counts its nodes. */
export async function takeCensus(): Promise<Census> {
  const session = new Session();
  session.connect();
  const chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (message) => chunks.push(message.params.chunk));
  try {
    await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    session.disconnect();
  }
  const snapshot = JSON.parse(chunks.join('')) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const census: Census = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!] ?? 'unknown';
    const name = unnamed.has(type) ? '' : (snapshot.strings[snapshot.nodes[i + nameAt]!] ?? '').slice(0, 60);
    const key = name ? `${type} ${name}` : type;
    const entry = census.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt]!;
    census.set(key, entry);
  }
  return census;
}

/** Per connection, what `after` holds beyond `before`, largest first, as JSON-ready rows. */
export function perConnection(
  before: Census,
  after: Census,
  connections: number,
): Array<{ kind: string; count: number; bytes: number }> {
  const rows: Array<{ kind: string; count: number; bytes: number }> = [];
  for (const [kind, a] of after) {
    const b = before.get(kind) ?? { count: 0, bytes: 0 };
    rows.push({ kind, count: (a.count - b.count) / connections, bytes: (a.bytes - b.bytes) / connections });
  }
  return rows.filter((r) => r.bytes > 0 || r.count > 0).sort((x, y) => y.bytes - x.bytes);
}
