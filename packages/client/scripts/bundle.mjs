// Builds the browser bundles from source with the `browser` condition, so `#socket` resolves
// to the global WebSocket and `ws` never enters them; the core is bundled in.
import { build } from 'esbuild';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from './bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What both bundles share: the options of bundle-options.mjs, with warnings shown. */
const common = { ...bundleOptions, logLevel: 'warning' };

const results = await Promise.all([
  build({ ...common, format: 'esm', outfile: `${root}dist/browser/tether.esm.js`, metafile: true }),
  build({ ...common, format: 'iife', globalName: 'Tether', outfile: `${root}dist/browser/tether.iife.js` }),
]);

const inputs = Object.keys(results[0].metafile.inputs);
const leaked = inputs.filter((path) => /node_modules\/ws\/|socket\/node\.ts$/.test(path));
if (leaked.length > 0) {
  console.error(`browser bundle includes Node-only modules: ${leaked.join(', ')}`);
  process.exit(1);
}

// `@tether/client/browser` has the same exports as the package's main entry, so its types are those.
await writeFile(`${root}dist/browser/tether.esm.d.ts`, "export * from '../index.js';\n");
