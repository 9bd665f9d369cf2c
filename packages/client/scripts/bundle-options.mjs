// The esbuild options of the browser bundles, shared by the build (bundle.mjs) and the size
// test (src/bundle-size.test.ts), so the budget is checked on exactly what ships.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Client and core from source (`source` resolves workspace packages to src/), for browsers. */
export const bundleOptions = {
  entryPoints: [`${root}src/index.ts`],
  bundle: true,
  minify: true,
  platform: 'browser',
  conditions: ['source'],
  target: 'es2022',
  legalComments: 'none',
};
