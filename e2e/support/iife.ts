import { build } from 'esbuild';
import { bundleOptions } from '../../packages/client/scripts/bundle-options.mjs';

/**
 * The client's IIFE bundle (`window.Tether`) as the package build ships it, made in memory:
 * writing dist/ from a test would race with e2e/install.test.ts, which packs it.
 */
export async function buildIifeBundle(): Promise<string> {
  const iife = await build({
    ...bundleOptions,
    format: 'iife',
    globalName: 'Tether',
    write: false,
    logLevel: 'silent',
  });
  return iife.outputFiles[0]!.text;
}
