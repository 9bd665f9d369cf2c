import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./idle-census.fixture.ts', import.meta.url));
const CONNECTIONS = 200;

/**
 * Closures an idle connection may hold on the server, `ws`'s own included (about 3: its socket
 * and receiver listeners, two of them bound functions). Tether's are the peer's two transport
 * listeners and its reply closure; everything else is made on first use or
 * shared by every connection (13.9 in all before that was so).
 */
const MAX_CLOSURES = 6;

describe('an idle connection', () => {
  it('holds no more closures on the server than its listeners need', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', FIXTURE], {
      env: { ...process.env, CONNECTIONS: String(CONNECTIONS) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const url = String((await lines.next()).value).replace(/^url /, '');
    const clients: WebSocket[] = [];
    for (let i = 0; i < CONNECTIONS; i++) clients.push(new WebSocket(url));
    const reading = String((await lines.next()).value);
    for (const ws of clients) ws.terminate();
    await once(child, 'exit');
    const grown = JSON.parse(reading) as Record<string, number>;
    const perConnection = Object.values(grown).reduce((sum, n) => sum + n, 0);
    expect(perConnection, JSON.stringify(grown)).toBeGreaterThan(0);
    expect(perConnection, JSON.stringify(grown)).toBeLessThanOrEqual(MAX_CLOSURES);
  });
});
