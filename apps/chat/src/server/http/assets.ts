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

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Bundles one entry point in memory, with a linked source map, into assets by URL path. For
 * the script, the `browser` condition picks the client's browser socket (no `ws` in the bundle)
 * and `source` resolves the workspace packages to their src/, so the demo needs no build step;
 * the styles' imports are inlined the same way.
 */
async function bundle(entry: string, name: string): Promise<Array<[string, Asset]>> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: '/',
    entryNames: name,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser', 'source'],
    target: 'es2022',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'silent',
  });
  if (result.outputFiles.length === 0) throw new Error(`chat: esbuild produced nothing for ${entry}`);
  return result.outputFiles.map((file) => {
    const extension = file.path.slice(file.path.lastIndexOf('.'));
    return [file.path, { type: TYPES[extension] ?? 'application/octet-stream', body: Buffer.from(file.contents) }];
  });
}

let loading: Promise<Assets> | undefined;

/** Loads the page once per process: a restarted server reuses the bundle. */
export function loadAssets(): Promise<Assets> {
  loading ??= (async () => {
    const [html, css, js] = await Promise.all([
      readFile(new URL('index.html', publicDir)),
      bundle(styles, 'styles'),
      bundle(script, 'app'),
    ]);
    const page: Asset = { type: 'text/html; charset=utf-8', body: html };
    return new Map<string, Asset>([['/', page], ['/index.html', page], ...css, ...js]);
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
