import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The third-party libraries under test: left as imports, so each runs exactly as published. */
const published = ['ws', 'json-rpc-2.0', 'rpc-websockets', 'socket.io', 'socket.io-client', 'capnweb'];

const outDir = fileURLToPath(new URL('../../.build/', import.meta.url));

/** Paths of the child entry points, compiled. */
export interface ChildScripts {
  server: string;
  load: string;
  micro: string;
}

/**
 * Compiles the child entry points (and the core micro-benchmark), with Tether's sources and the adapters, into plain
 * ES modules that Node runs without a loader. Running children under tsx instead would
 * charge Tether (the only system run from TypeScript sources) for tsx's `keepNames`, which
 * wraps every closure in a `__name()` call and gives each one a 256-byte property dictionary:
 * a cost no user of the built packages pays. Not minified, so profiles read, and each
 * module's code stays under esbuild's `// path` marker, which the profile summary uses.
 */
export async function buildChildren(): Promise<ChildScripts> {
  const entry = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  await build({
    entryPoints: { server: entry('server-main'), load: entry('load-main'), micro: entry('../micro/core-paths') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    external: published,
    // Inlined CommonJS (eventemitter3) may call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return { server: `${outDir}server.mjs`, load: `${outDir}load.mjs`, micro: `${outDir}micro.mjs` };
}
