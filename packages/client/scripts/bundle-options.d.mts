import type { BuildOptions, TsconfigRaw } from 'esbuild';

/** The members the browser bundles shorten (see bundle-options.mjs). */
export declare const internalMembers: readonly string[];

/** The esbuild options of the browser bundles; each build adds its format and output. */
export declare const bundleOptions: BuildOptions & { mangleProps: RegExp; tsconfigRaw: TsconfigRaw };
