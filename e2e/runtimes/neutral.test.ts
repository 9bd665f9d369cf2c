import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The runtime subpaths must load where there is no Node: bundled for a neutral platform from
 * the built packages, none may reach `node:*` or `ws` (workerd, without nodejs_compat, has neither).
 */
describe.each(['@tether/server/bun', '@tether/server/deno', '@tether/server/workers', '@tether/client'])(
  '%s',
  (entry) => {
    it('reaches no node:* module and no ws', async () => {
      const conditions = entry === '@tether/client' ? ['workerd'] : [];
      const result = await build({
        stdin: { contents: `export * from '${entry}';`, resolveDir: import.meta.dirname, loader: 'js' },
        bundle: true,
        write: false,
        metafile: true,
        platform: 'neutral',
        conditions,
        external: ['node:*', 'ws'],
        logLevel: 'silent',
      });
      const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
      expect(imports.filter((path) => path.startsWith('node:') || path === 'ws')).toEqual([]);
    });
  },
);
