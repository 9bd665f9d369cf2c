#!/usr/bin/env node
// tether-openrpc <module> [export]: writes the OpenRPC document of a server to stdout, at build time.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the CLI takes from a module: a server, or a function that makes one. */
interface Describable {
  openrpc(): unknown;
  close?(options?: { deadline?: number }): Promise<void>;
}

const isDescribable = (value: unknown): value is Describable =>
  typeof value === 'object' && value !== null && typeof (value as Describable).openrpc === 'function';

/**
 * The OpenRPC document, as JSON text, of the server that `modulePath` exports as `exportName`
 * (default `default`): a server, or a function returning one (or a promise of one). A server the
 * function made is closed afterwards.
 */
export async function openrpcOf(modulePath: string, exportName = 'default'): Promise<string> {
  // Under `pnpm --filter`, the working directory is the package's: a path is the caller's, where pnpm was run.
  const from = process.env['INIT_CWD'] ?? process.cwd();
  const module = (await import(pathToFileURL(resolve(from, modulePath)).href)) as Record<string, unknown>;
  const exported = module[exportName];
  const made = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  if (!isDescribable(made)) {
    throw new TypeError(
      `tether-openrpc: ${modulePath} exports no server as "${exportName}": export a server, or a function returning one`,
    );
  }
  try {
    return `${JSON.stringify(made.openrpc(), null, 2)}\n`;
  } finally {
    if (typeof exported === 'function') await made.close?.({ deadline: 0 });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [modulePath, exportName] = argv;
  if (!modulePath) {
    process.stderr.write('usage: tether-openrpc <module> [export] > openrpc.json\n');
    return 2;
  }
  try {
    process.stdout.write(await openrpcOf(modulePath, exportName));
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
