import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { declarations } from './support/declarations.js';

const scratch = mkdtempSync(join(tmpdir(), 'tether-types-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Compiles `source` as a consumer of core's published types and returns the error codes. */
function consumerErrors(core: Map<string, string>, source: string): number[] {
  for (const [file, text] of core) {
    const path = join(scratch, 'core', file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  const consumer = join(scratch, 'consumer.ts');
  writeFileSync(consumer, source);
  const program = ts.createProgram([consumer], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => d.code);
}

/** Nothing marked @internal, and no field a user could overwrite, reaches a package's published types. */
describe('published types', () => {
  const core = declarations('core');

  it.each(['core', 'server', 'client', 'redis', 'otel'])('%s: no @internal member survives in its .d.ts', (pkg) => {
    const files = pkg === 'core' ? core : declarations(pkg);
    expect(files.size).toBeGreaterThan(3);
    const leaking = [...files].filter(([, text]) => text.includes('@internal')).map(([file]) => file);
    expect(leaking).toEqual([]);
  });

  it('core: a subscription, a peer and a service show only their public members', () => {
    /** The members a class declares in a .d.ts: each on a line of its own, after any modifiers. */
    const members = (file: string) =>
      [...core.get(file)!.matchAll(/^ {4}(?:readonly |get |set |static )*#?([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
    const subscription = members('subscription/subscription.d.ts');
    for (const hidden of ['acknowledged', 'lostWire', 'refused', 'requested', 'receive', 'fail', 'retries']) {
      expect(subscription).not.toContain(hidden);
    }
    expect(core.get('subscription/subscription.d.ts')).toContain('get lastEventId(): number | undefined;');
    expect(core.get('subscription/subscription.d.ts')).not.toMatch(/^ {4}lastEventId/m);
    const peer = members('peer.d.ts');
    for (const hidden of ['sendRaw', 'callWith', 'served', 'receivePush', 'reportStray', 'reportHandlerError']) {
      expect(peer).not.toContain(hidden);
    }
    expect(peer).toContain('call');
    const service = members('service.d.ts');
    for (const hidden of ['guard', 'methods', 'middleware', 'subscriptions']) expect(service).not.toContain(hidden);
    expect(service).toContain('register');
  });

  it('core: a consumer can neither reach an internal member nor overwrite lastEventId', () => {
    const clean = consumerErrors(
      core,
      `import type { Subscription } from './core/index.js';
       export const read = (sub: Subscription<number>): number | undefined => sub.lastEventId;`,
    );
    expect(clean).toEqual([]);
    const sealed = consumerErrors(
      core,
      `import type { Peer, Subscription } from './core/index.js';
       export function poke(sub: Subscription<number>, peer: Peer) {
         sub.lastEventId = 99;
         sub.acknowledged('x');
         peer.sendRaw('{}');
       }`,
    );
    // 2540: cannot assign to a read-only property; 2339: no such property.
    expect(sealed).toEqual([2540, 2339, 2339]);
  });

  /** Names a package's public .d.ts files (those reachable from index.d.ts) import from `from`. */
  function importedNames(files: Map<string, string>, from: string): Set<string> {
    const names = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = files.get(file) ?? '';
      for (const m of text.matchAll(/(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
        const [, list, specifier] = m as unknown as [string, string, string];
        if (specifier === from) {
          for (const part of list.split(',')) {
            const name = part
              .trim()
              .replace(/^type\s+/, '')
              .split(/\s+as\s+/)[0];
            if (name) names.add(name);
          }
        } else if (specifier.startsWith('.')) {
          visit(join(dirname(file), specifier).replace(/\.js$/, '.d.ts'));
        }
      }
      for (const m of text.matchAll(/import\("([^"]+)"\)\.(\w+)/g)) {
        if (m[1] === from) names.add(m[2]!);
      }
    };
    visit('index.d.ts');
    return names;
  }

  /** Names a package's index.d.ts exports. */
  const exportedNames = (files: Map<string, string>) =>
    new Set(
      [...files.get('index.d.ts')!.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) =>
        m[1]!.split(',').map((part) =>
          part
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)
            .pop()!,
        ),
      ),
    );

  it.each([
    ['server', '@tether/core'],
    ['client', '@tether/core'],
    ['redis', '@tether/core'],
    ['redis', '@tether/server'],
  ])('%s re-exports every name from %s that its public types use', (pkg, from) => {
    const files = declarations(pkg);
    const exported = exportedNames(files);
    const missing = [...importedNames(files, from)].filter((name) => !exported.has(name));
    expect(missing).toEqual([]);
  });

  it.each(['core', 'server', 'client', 'redis', 'otel'])(
    '%s: no class it exports has a field a user could overwrite',
    (pkg) => {
      const files = pkg === 'core' ? core : declarations(pkg);
      const exported = exportedNames(files);
      const writable = [...files.values()].flatMap((text) =>
        [...text.matchAll(/^export declare class (\w+)[^\n]*\{\n([\s\S]*?)^\}/gm)]
          .filter(([, name]) => exported.has(name!))
          .flatMap(([, name, body]) =>
            [
              ...body!.matchAll(
                /^ {4}(?!readonly |private |protected |static readonly |get |set |#)([A-Za-z_$][\w$]*)\??:(?![^\n]*\);$)/gm,
              ),
            ].map((m) => `${name}.${m[1]}`),
          ),
      );
      expect(writable).toEqual([]);
    },
  );
});
