import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The .d.ts text each package publishes, emitted in memory from its tsconfig.build.json. */
export function declarations(pkg: string): Map<string, string> {
  const dir = join(root, 'packages', pkg);
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(dir, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${pkg}/tsconfig.build.json`);
  const out = new Map<string, string>();
  const program = ts.createProgram(parsed.fileNames, { ...parsed.options, emitDeclarationOnly: true, noEmit: false });
  program.emit(undefined, (file, text) => {
    if (file.endsWith('.d.ts')) out.set(relative(parsed.options.outDir!, file), text);
  });
  return out;
}
