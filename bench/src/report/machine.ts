import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where a run happened, for the report. */
export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  platform: string;
}

/** This machine: core count, the CPU model as /proc/cpuinfo names it, Node's version. */
export function describeMachine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // Not Linux: os.cpus() already gave the model.
  }
  return { nproc: availableParallelism(), cpu, node: process.version, platform: `${process.platform}-${process.arch}` };
}

const benchDir = new URL('../../', import.meta.url);
/** The workspace root, whose dev dependencies (the runtimes: bun) the bench runs too. */
const rootDir = new URL('../', benchDir);

/** Installed versions of `names`, read from each package's package.json beside the bench, or else at the workspace root. */
export function packageVersions(names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    out[name] = 'unknown';
    for (const dir of [benchDir, rootDir]) {
      try {
        const file = fileURLToPath(new URL(`node_modules/${name}/package.json`, dir));
        out[name] = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
        break;
      } catch {
        // not installed here
      }
    }
  }
  return out;
}
