import { bundleOptions } from '../../../packages/client/scripts/bundle-options.mjs';
import type { Connect, SystemEntry } from './types.js';

/** The client of both corked floors: the plain floor's, holding a tick's sends for one write. */
async function corkedFloorClient(): Promise<Connect> {
  const { connectFloor } = await import('./raw-ws/client.js');
  return (url, options = {}) => connectFloor(url, options, true);
}

/**
 * Every system under test: the floors first (each scenario's baseline is the better of the two
 * in that run), the frame-once floor as a reference for fan-out, Tether, then its peers.
 */
export const systems: readonly SystemEntry[] = [
  {
    name: 'raw-ws',
    role: 'floor',
    server: async () => (await import('./raw-ws/server.js')).startServer,
    client: async () => (await import('./raw-ws/client.js')).connect,
    packages: ['ws'],
  },
  {
    name: 'raw-ws-cork',
    role: 'floor',
    server: async () => {
      const { startFloorServer } = await import('./raw-ws/server.js');
      return (server) => startFloorServer({ cork: true, frameOnce: false }, server);
    },
    client: corkedFloorClient,
    packages: ['ws'],
  },
  {
    // What frame-once fan-out can reach: the limit of Tether's fan-out target, not a baseline.
    name: 'raw-ws-frame-once',
    role: 'reference',
    scenarios: ['fanout', 'fanout-large'],
    server: async () => {
      const { startFloorServer } = await import('./raw-ws/server.js');
      return (server) => startFloorServer({ cork: true, frameOnce: true }, server);
    },
    client: corkedFloorClient,
    packages: ['ws'],
  },
  {
    name: 'tether',
    role: 'library',
    server: async () => (await import('./tether/server.js')).startServer,
    client: async () => (await import('./tether/client.js')).connect,
    browserEntry: {
      contents: "export * from './src/index.ts';",
      resolveDir: 'client',
      note: '@tether/client, browser condition',
      options: { mangleProps: bundleOptions.mangleProps, tsconfigRaw: bundleOptions.tsconfigRaw },
    },
    packages: ['@tether/server', '@tether/client'],
  },
  {
    // Tether on Bun beside Tether on Node: the same client and scenarios, the server under Bun.
    name: 'tether-bun',
    role: 'library',
    runtime: 'bun',
    scenarios: ['idle', 'idle-large', 'sequential', 'inflight', 'conns', 'echo1k', 'fanout', 'fanout-large'],
    server: async () => (await import('./tether-bun/server.js')).startServer,
    client: async () => (await import('./tether/client.js')).connect,
    packages: ['@tether/server', '@tether/client', 'bun'],
  },
  {
    name: 'json-rpc-2.0',
    role: 'library',
    server: async () => (await import('./json-rpc-2.0/server.js')).startServer,
    client: async () => (await import('./json-rpc-2.0/client.js')).connect,
    browserEntry: { contents: "export * from 'json-rpc-2.0';", resolveDir: 'bench', note: 'whole package' },
    packages: ['json-rpc-2.0'],
  },
  {
    name: 'rpc-websockets',
    role: 'library',
    server: async () => (await import('./rpc-websockets/server.js')).startServer,
    client: async () => (await import('./rpc-websockets/client.js')).connect,
    browserEntry: { contents: "export * from 'rpc-websockets';", resolveDir: 'bench', note: 'browser build' },
    packages: ['rpc-websockets'],
  },
  {
    name: 'socket.io',
    role: 'library',
    server: async () => (await import('./socket.io/server.js')).startServer,
    client: async () => (await import('./socket.io/client.js')).connect,
    browserEntry: { contents: "export * from 'socket.io-client';", resolveDir: 'bench', note: 'socket.io-client' },
    packages: ['socket.io', 'socket.io-client'],
  },
  {
    name: 'capnweb',
    role: 'library',
    server: async () => (await import('./capnweb/server.js')).startServer,
    client: async () => (await import('./capnweb/client.js')).connect,
    browserEntry: { contents: "export * from 'capnweb';", resolveDir: 'bench', note: 'whole package' },
    packages: ['capnweb'],
  },
];

/** The system called `name`; throws on an unknown one so a typo fails at once. */
export function systemNamed(name: string): SystemEntry {
  const entry = systems.find((s) => s.name === name);
  if (!entry) throw new Error(`bench: unknown system "${name}" (known: ${systems.map((s) => s.name).join(', ')})`);
  return entry;
}

/** Names of the floors a scenario's baseline is picked from. */
export const floors: readonly string[] = systems.filter((s) => s.role === 'floor').map((s) => s.name);

/** The role of the system called `name`; a name from an older run that is no longer known reads as a library. */
export const roleOf = (name: string): SystemEntry['role'] => systems.find((s) => s.name === name)?.role ?? 'library';

/** Whether `name` is one of Tether's peers: a library other than Tether itself (on Node or on another runtime). */
export const isPeer = (name: string): boolean => roleOf(name) === 'library' && !name.startsWith('tether');
