import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Each package resolves to its sources in the workspace through the `source` condition of
// `exports` and `imports`; `publishConfig` holds the same maps without it, and `pnpm pack`
// publishes those instead. Adding a subpath or an import condition means adding it to both:
// this test says which entry is missing (e2e/install.test.ts then checks the packed result).

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

/** A conditions map as published: `source` dropped, and `{ default: x }` written as `x`. */
function published(map: unknown): unknown {
  if (typeof map !== 'object' || map === null) return map;
  const entries = Object.entries(map).filter(([condition]) => condition !== 'source');
  if (entries.length === 1 && entries[0]![0] === 'default') return published(entries[0]![1]);
  return Object.fromEntries(entries.map(([key, value]) => [key, published(value)]));
}

const manifests = readdirSync(packagesDir).map((dir) => ({
  dir,
  manifest: JSON.parse(readFileSync(`${packagesDir}${dir}/package.json`, 'utf8')),
}));

describe.each(manifests)('packages/$dir/package.json', ({ manifest }) => {
  it('publishes its exports and imports without the source condition', () => {
    expect(manifest.publishConfig?.exports).toEqual(published(manifest.exports));
    expect(manifest.publishConfig?.imports).toEqual(published(manifest.imports));
  });

  it('ships dist only, and says what it is', () => {
    expect(manifest).toMatchObject({
      files: ['dist'],
      sideEffects: false,
      license: 'MIT',
      engines: { node: '>=20' },
      repository: { directory: expect.stringMatching(/^packages\//) },
      publishConfig: { access: 'public' },
    });
    expect(manifest.description).toEqual(expect.any(String));
    expect(manifest.keywords.length).toBeGreaterThan(0);
  });
});
