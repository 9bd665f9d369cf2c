import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { createServer, HttpError } from '@tether/server';
import { drive, type Runtime } from '../support/runtimes.js';
// @ts-expect-error: plain JavaScript shared with the other runtimes, without declarations
import { appOptions, setup } from './fixtures/app.mjs';

/** A conformance app served by one runtime's adapter, at `url`. */
export interface Target {
  readonly url: string;
  /** The server's shutdown, `server.close({ deadline, reconnectWindow })`; resolves once it has resolved. */
  close(deadline: number, reconnectWindow?: number): Promise<void>;
  /** Stops the runtime. */
  dispose(): Promise<void>;
}

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

async function onNode(): Promise<Target> {
  const server = await createServer({ port: 0, ...appOptions(HttpError) });
  setup(server);
  return {
    url: server.url,
    close: (deadline, reconnectWindow = 0) => server.close({ deadline, reconnectWindow }),
    dispose: () => server.close({ deadline: 0 }),
  };
}

/** Bun or Deno in a child process running the fixture's server, driven over stdio. */
async function inChild(runtime: Runtime): Promise<Target> {
  const child = drive(runtime, `${runtime}-server.mjs`, [], fixtures);
  const { url } = await child.next<{ url: string }>((m) => m['type'] === 'listening');
  return {
    url,
    async close(deadline, reconnectWindow = 0) {
      child.send(`close ${deadline} ${reconnectWindow}`);
      await child.next((m) => m['type'] === 'closed');
    },
    async dispose() {
      child.send('exit');
      if ((await child.exited) !== 0) throw new Error(`the ${runtime} server exited with an error`);
    },
  };
}

const bundles = new Map<string, Promise<string>>();

/** A fixture bundled into one ES module with the `workerd` condition, as workerd loads it; built once per run. */
export function bundleForWorkerd(fixture: string): Promise<string> {
  let bundle = bundles.get(fixture);
  if (!bundle) {
    bundle = build({
      entryPoints: [`${fixtures}${fixture}`],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker'],
      write: false,
      logLevel: 'warning',
    }).then((result) => result.outputFiles[0]!.text);
    bundles.set(fixture, bundle);
  }
  return bundle;
}

/** workerd through miniflare: the Durable Object of fixtures/worker.mjs, reached over loopback. */
async function onWorkerd(): Promise<Target> {
  const miniflare = new Miniflare({
    modules: true,
    script: await bundleForWorkerd('worker.mjs'),
    compatibilityDate: '2025-09-01',
    durableObjects: { ROOM: 'Room' },
    host: '127.0.0.1',
    port: 0,
  });
  const http = await miniflare.ready;
  return {
    url: `ws://${http.host}/rpc`,
    async close(deadline, reconnectWindow = 0) {
      await (await fetch(new URL(`/__close?deadline=${deadline}&reconnectWindow=${reconnectWindow}`, http))).text();
    },
    dispose: () => miniflare.dispose(),
  };
}

/** Every server adapter the conformance suite runs on. */
export const targets: Record<string, () => Promise<Target>> = {
  node: onNode,
  bun: () => inChild('bun'),
  deno: () => inChild('deno'),
  workerd: onWorkerd,
};
