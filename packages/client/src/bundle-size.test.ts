import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleOptions } from '../scripts/bundle-options.mjs';

// 8 KB until re-authentication, credentials as functions and the restart window (issue 15)
// took it to 8,522 bytes; no trim of that size was found that kept the error messages whole.
// Progress and typed subscriptions (issue 15 too) added 527 bytes, to 9,049; no saving of that
// size was found without dropping a feature.
const BUDGET = 8.875 * 1024;

/** The ESM browser bundle as scripts/bundle.mjs makes it, built in memory. */
async function browserBundle() {
  const result = await build({ ...bundleOptions, format: 'esm', write: false, metafile: true, logLevel: 'silent' });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild wrote no output');
  return { code: output.contents, inputs: Object.keys(result.metafile.inputs) };
}

describe('browser bundle', () => {
  it(`is under ${BUDGET} bytes minified and gzipped, core included`, async () => {
    const { code, inputs } = await browserBundle();
    const gzipped = gzipSync(code, { level: 9 }).length;
    expect(inputs.some((path) => path.includes('core/src/peer.ts'))).toBe(true);
    expect(gzipped).toBeLessThan(BUDGET);
  });

  it('uses the browser socket and leaves ws out', async () => {
    const { inputs } = await browserBundle();
    expect(inputs.some((path) => path.endsWith('socket/browser.ts'))).toBe(true);
    expect(inputs.filter((path) => /\/ws\/|socket\/node\.ts$/.test(path))).toEqual([]);
  });
});
