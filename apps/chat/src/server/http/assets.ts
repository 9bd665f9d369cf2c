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
const entry = fileURLToPath(new URL('../../web/main.ts', import.meta.url));

/**
 * Bundles the browser code from source, in memory. The `browser` condition picks the client's
 * browser socket (no `ws` in the bundle); `source` resolves the workspace packages to their src/,
 * so the demo needs no build step.
 */
async function bundle(): Promise<Buffer> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile: 'app.js',
    format: 'esm',
    platform: 'browser',
    conditions: ['browser', 'source'],
    target: 'es2022',
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('chat: esbuild produced no bundle');
  return Buffer.from(output.contents);
}

let loading: Promise<Assets> | undefined;

/** Loads the page once per process: a restarted server reuses the bundle. */
export function loadAssets(): Promise<Assets> {
  loading ??= (async () => {
    const [html, css, js] = await Promise.all([
      readFile(new URL('index.html', publicDir)),
      readFile(new URL('styles.css', publicDir)),
      bundle(),
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
