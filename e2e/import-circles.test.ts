import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Data flows one way: a part gets the narrow interface it needs, never its owner, so no module
 * imports one that imports it back. Type-only imports count too: a circle of types still means
 * a file cannot be read on its own.
 */
describe('import graph', () => {
  it('has no circle in any package', async () => {
    const tree = await parseDependencyTree(['packages/*/src/**/*.ts'], {
      context: root,
      cwd: root,
      transform: false,
      skipDynamicImports: false,
    });
    expect(Object.keys(tree).length).toBeGreaterThan(100);
    const circles = parseCircular(tree).map((circle) => circle.join(' -> '));
    expect(circles).toEqual([]);
  });

  it('leaves the peer to whoever builds one: no other core module imports peer.ts', async () => {
    const tree = await parseDependencyTree(['packages/core/src/**/*.ts'], { context: root, cwd: root });
    const builders = new Set([
      'packages/core/src/index.ts',
      'packages/core/src/testing/pair.ts',
      'packages/core/src/testing/raw.ts',
    ]);
    const importers = Object.entries(tree)
      .filter(([file, deps]) => !builders.has(file) && !file.endsWith('.test.ts'))
      .filter(([, deps]) => deps?.some((dep) => dep.id === 'packages/core/src/peer.ts'))
      .map(([file]) => file);
    expect(importers).toEqual([]);
  });

  it('reaches another package only through its exports, never by a relative path into its src', async () => {
    const tree = await parseDependencyTree(
      ['packages/*/src/**/*.ts', 'e2e/*.ts', 'e2e/support/*.ts', 'bench/src/**/*.ts'],
      {
        context: root,
        cwd: root,
      },
    );
    const packageOf = (file: string) => /^packages\/([^/]+)\//.exec(file)?.[1];
    const crossings = Object.entries(tree).flatMap(([file, deps]) =>
      (deps ?? [])
        .filter((dep) => dep.request.startsWith('.') && /^packages\/[^/]+\/src\//.test(dep.id ?? ''))
        .filter((dep) => packageOf(dep.id!) !== packageOf(file))
        .map((dep) => `${file} -> ${dep.request}`),
    );
    expect(crossings).toEqual([]);
  });
});
