import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./provider-process.ts', import.meta.url));

/** Starts `provider-process.ts` in its own Node process; resolves once it has registered. */
export async function spawnProvider(args: {
  url: string;
  service: string;
  nodeId: string;
  ttl: number;
  prefix: string;
}): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=source',
      script,
      args.url,
      args.service,
      args.nodeId,
      String(args.ttl),
      args.prefix,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('registered')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`provider process exited (${code}) before registering`)));
    child.once('error', reject);
  });
  return child;
}
