import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/idle-census.ts', import.meta.url));
const CONNECTIONS = 200;

/**
 * What Tether's server holds per idle connection beyond what ws itself does: the peer, its
 * transport, and the peer's dispatcher and outgoing calls. Everything else is made on first use
 * or shared by every connection: the reply closure, the offline queue (a server's peers never
 * queue), listeners (the socket hands its events to the transport, the transport its messages to
 * the peer), timers, maps, and the client's address. There were 3 closures more (and their
 * context), the offline queue and its array, and the socket's copy of the client's address.
 * (Nor does a connection hold ws's autoPong closure, uncounted here: see server-socket.ts.)
 */
const HELD = { AcceptedPeer: 1, WsTransport: 1, Dispatcher: 1, OutgoingCalls: 1 };

/** A census server (see the fixture) in a process of its own. */
function censusServer(mode: 'tether' | 'ws') {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', FIXTURE], {
    env: { ...process.env, MODE: mode },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const ask = async (command: string) => {
    child.stdin!.write(`${command}\n`);
    return String((await lines.next()).value);
  };
  return {
    url: lines.next().then(({ value }) => String(value).replace(/^url /, '')),
    ask,
    async close() {
      child.stdin!.end();
      await once(child, 'exit');
    },
  };
}

async function openAll(url: string): Promise<WebSocket[]> {
  const clients = Array.from({ length: CONNECTIONS }, () => new WebSocket(url));
  await Promise.all(clients.map((ws) => once(ws, 'open')));
  return clients;
}

/** Per connection, the objects (by constructor) and closures the server's heap gained, rounded to whole ones. */
async function heldPerConnection(mode: 'tether' | 'ws'): Promise<Map<string, number>> {
  const server = censusServer(mode);
  const url = await server.url;
  // A first round makes what only the first connection makes (code, shared state), so the count holds none of it.
  for (const ws of await openAll(url)) ws.terminate();
  await server.ask('wait 0');
  await server.ask('census');
  const clients = await openAll(url);
  await server.ask(`wait ${CONNECTIONS}`);
  const grown = JSON.parse(await server.ask('census')) as Record<string, number>;
  for (const ws of clients) ws.terminate();
  await server.close();
  return new Map(Object.entries(grown).map(([kind, count]) => [kind, Math.round(count)]));
}

describe('an idle connection', () => {
  it('holds on the server the peer and its parts beyond what ws holds, and nothing made per connection besides', async () => {
    const [tether, ws] = await Promise.all([heldPerConnection('tether'), heldPerConnection('ws')]);
    const added: Record<string, number> = {};
    for (const kind of new Set([...tether.keys(), ...ws.keys()])) {
      const more = (tether.get(kind) ?? 0) - (ws.get(kind) ?? 0);
      if (more !== 0) added[kind] = more;
    }
    expect(added).toEqual(HELD);
  });
});
