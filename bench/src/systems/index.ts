import type { SystemEntry } from './types.js';

/** Every system under test, raw ws first (it is the baseline of every ratio), Tether second. */
export const systems: readonly SystemEntry[] = [
  {
    name: 'raw-ws',
    server: async () => (await import('./raw-ws/server.js')).startServer,
    client: async () => (await import('./raw-ws/client.js')).connect,
    packages: ['ws'],
  },
  {
    name: 'tether',
    server: async () => (await import('./tether/server.js')).startServer,
    client: async () => (await import('./tether/client.js')).connect,
    browserEntry: {
      contents: "export * from './src/index.ts';",
      resolveDir: 'client',
      note: '@tether/client, browser condition',
    },
    packages: ['@tether/server', '@tether/client'],
  },
  {
    name: 'json-rpc-2.0',
    server: async () => (await import('./json-rpc-2.0/server.js')).startServer,
    client: async () => (await import('./json-rpc-2.0/client.js')).connect,
    browserEntry: { contents: "export * from 'json-rpc-2.0';", resolveDir: 'bench', note: 'whole package' },
    packages: ['json-rpc-2.0'],
  },
  {
    name: 'rpc-websockets',
    server: async () => (await import('./rpc-websockets/server.js')).startServer,
    client: async () => (await import('./rpc-websockets/client.js')).connect,
    browserEntry: { contents: "export * from 'rpc-websockets';", resolveDir: 'bench', note: 'browser build' },
    packages: ['rpc-websockets'],
  },
  {
    name: 'socket.io',
    server: async () => (await import('./socket.io/server.js')).startServer,
    client: async () => (await import('./socket.io/client.js')).connect,
    browserEntry: { contents: "export * from 'socket.io-client';", resolveDir: 'bench', note: 'socket.io-client' },
    packages: ['socket.io', 'socket.io-client'],
  },
  {
    name: 'capnweb',
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
