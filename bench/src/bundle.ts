import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { SystemEntry } from './systems/types.js';

/** A browser bundle's size: minified, and minified then gzipped. */
export interface BundleSize {
  minBytes: number;
  gzipBytes: number;
  note: string;
}

const dirs = {
  bench: fileURLToPath(new URL('..', import.meta.url)),
  client: fileURLToPath(new URL('../../packages/client', import.meta.url)),
};

/**
 * Bundles a system's browser entry with esbuild for the browser platform (minified, ESM,
 * the `browser` condition on; `source` so workspace packages resolve to their sources), with
 * what its own build adds, and gzips it in process at level 9. Undefined for a system with no browser build.
 */
export async function measureBundle(system: SystemEntry): Promise<BundleSize | undefined> {
  const entry = system.browserEntry;
  if (!entry) return undefined;
  const result = await build({
    stdin: { contents: entry.contents, resolveDir: dirs[entry.resolveDir], loader: 'ts' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['source', 'module'],
    write: false,
    logLevel: 'silent',
    ...entry.options,
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, note: entry.note };
}
