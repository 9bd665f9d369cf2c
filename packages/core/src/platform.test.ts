import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The core must run in browsers, workers and Node alike. These checks compile exactly the
 * files the build compiles (from tsconfig.build.json) and look at what they import and use.
 */

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED_PACKAGES = new Set<string>();

function buildConfig(): ts.ParsedCommandLine {
  const configPath = resolve(packageDir, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('cannot read tsconfig.build.json');
  return parsed;
}

const config = buildConfig();
const shipped = config.fileNames.map((f) => relative(resolve(packageDir, 'src'), f));

describe('the shipped core', () => {
  it('builds from source files only: no tests or type tests; the harness only as ./testing', () => {
    expect(shipped.length).toBeGreaterThan(10);
    expect(shipped).toContain('index.ts');
    expect(shipped.filter((f) => /\.test(-d)?\.ts$/.test(f))).toEqual([]);
    expect(shipped.filter((f) => f.startsWith('testing/'))).toEqual(['testing/index.ts']);
  });

  it('imports nothing but its own modules and its declared dependencies', () => {
    const manifest = JSON.parse(readFileSync(resolve(packageDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies ?? {}).filter((d) => !ALLOWED_PACKAGES.has(d))).toEqual([]);
    const offending: string[] = [];
    for (const file of config.fileNames) {
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const { fileName: specifier } of info.importedFiles) {
        if (!specifier.startsWith('./') && !specifier.startsWith('../') && !ALLOWED_PACKAGES.has(specifier)) {
          offending.push(`${relative(packageDir, file)} imports ${specifier}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('type-checks without Node types, and emits a .js and a .d.ts for every module', () => {
    // Symbol.asyncDispose is standard JavaScript (explicit resource management), not Node's:
    // its types are granted here, which Node's types would otherwise supply.
    const lib = [...(config.options.lib ?? []), 'lib.esnext.disposable.d.ts'];
    const options: ts.CompilerOptions = { ...config.options, lib, types: [], outDir: '/virtual-dist' };
    const program = ts.createProgram({ rootNames: config.fileNames, options });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file ? relative(packageDir, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      );
    expect(diagnostics).toEqual([]);
    const emitted: string[] = [];
    program.emit(undefined, (fileName) => emitted.push(relative('/virtual-dist', fileName)));
    for (const file of shipped) {
      const base = file.replace(/\.ts$/, '');
      expect(emitted).toContain(`${base}.js`);
      expect(emitted).toContain(`${base}.d.ts`);
    }
    expect(emitted.filter((f) => /\.test/.test(f))).toEqual([]);
  });
});
