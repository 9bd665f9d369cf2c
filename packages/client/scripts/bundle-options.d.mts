import type { BuildOptions } from 'esbuild';

/** The esbuild options of the browser bundles; each build adds its format and output. */
export declare const bundleOptions: BuildOptions;
