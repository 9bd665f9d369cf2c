import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The workspace's own tools, so the consumer project installs nothing but what a user would. */
export const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

/** A packed package: its tarball, its published manifest, and the files in it. */
export interface Packed {
  readonly name: string;
  readonly tarball: string;
  readonly manifest: {
    readonly exports: Record<string, unknown>;
    readonly imports?: Record<string, unknown>;
    readonly [field: string]: unknown;
  };
  readonly files: readonly string[];
}

/** Runs a command, failing with its output (not just its exit code) so a test failure says what went wrong. */
export async function exec(file: string, args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`);
  }
}

/** `pnpm pack` of every package under packages/, as publishing would make them (dist must be built). */
export async function packAll(destination: string): Promise<Packed[]> {
  await exec('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', destination], root);
  const tarballs = (await readdir(destination)).filter((file) => file.endsWith('.tgz')).sort();
  return Promise.all(
    tarballs.map(async (file) => {
      const tarball = join(destination, file);
      const listing = await exec('tar', ['-tzf', tarball], destination);
      const manifest = JSON.parse(await exec('tar', ['-xzOf', tarball, 'package/package.json'], destination));
      const files = listing
        .split('\n')
        .filter(Boolean)
        .map((path) => path.replace(/^package\//, ''));
      return { name: manifest.name as string, tarball, manifest, files };
    }),
  );
}

/**
 * A fresh project outside the workspace with the tarballs installed by npm, as a user would
 * install them from the registry (third-party dependencies do come from it, or npm's cache),
 * and the fixture sources of e2e/fixtures/consumer copied in.
 */
export async function installConsumer(packed: readonly Packed[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-consumer-'));
  await cp(fileURLToPath(new URL('../fixtures/consumer', import.meta.url)), dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const types = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).devDependencies['@types/node'];
  await exec(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...packed.map((p) => p.tarball),
      `@types/node@${types}`,
    ],
    dir,
  );
  return dir;
}

/** Writes a module importing every subpath the packed manifests export, so each is compiled and loaded. */
export async function writeExportsModule(dir: string, packed: readonly Packed[]): Promise<string[]> {
  const specifiers = packed.flatMap(({ name, manifest }) =>
    Object.keys(manifest.exports)
      .filter((subpath) => !subpath.endsWith('.json'))
      .map((subpath) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`)),
  );
  const lines = specifiers.map((specifier, i) => `export * as m${i} from '${specifier}';`);
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'src', 'all-exports.ts'), `${lines.join('\n')}\n`);
  return specifiers;
}

/** A Node process of the consumer project that prints one JSON line first; killed by the caller. */
export async function startNode(
  dir: string,
  args: readonly string[],
): Promise<{ child: ChildProcess; first: unknown }> {
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`node ${args.join(' ')} exited with ${code} before printing`);
    }),
  ])) as [string];
  return { child, first: JSON.parse(line) };
}

/** Removes the consumer project. */
export function removeConsumer(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
