import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** One file the page needs, ready to send. */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/** The page's files by URL path. */
export type Assets = ReadonlyMap<string, Asset>;

const publicDir = new URL('../../../public/', import.meta.url);
const script = fileURLToPath(new URL('../../web/main.ts', import.meta.url));
const styles = fileURLToPath(new URL('styles.css', publicDir));

/**
 * Bundles one entry point in memory. For the script, the `browser` condition picks the client's
 * browser socket (no `ws` in the bundle) and `source` resolves the workspace packages to their
 * src/, so the demo needs no build step; the styles' imports are inlined the same way.
 */
async function bundle(entry: string, outfile: string): Promise<Buffer> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser', 'source'],
    target: 'es2022',
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`chat: esbuild produced nothing for ${entry}`);
  return Buffer.from(output.contents);
}

let loading: Promise<Assets> | undefined;

/** Loads the page once per process: a restarted server reuses the bundle. */
export function loadAssets(): Promise<Assets> {
  loading ??= (async () => {
    const [html, css, js] = await Promise.all([
      readFile(new URL('index.html', publicDir)),
      bundle(styles, 'styles.css'),
      bundle(script, 'app.js'),
    ]);
    const page: Asset = { type: 'text/html; charset=utf-8', body: html };
    return new Map<string, Asset>([
      ['/', page],
      ['/index.html', page],
      ['/styles.css', { type: 'text/css; charset=utf-8', body: css }],
      ['/app.js', { type: 'text/javascript; charset=utf-8', body: js }],
    ]);
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
