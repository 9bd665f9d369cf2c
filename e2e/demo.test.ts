import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// Ctrl-C in a terminal sends SIGINT to the whole foreground process group: both pnpm processes,
// their shells and the demo. The demo must close and every layer exit 0, with no pnpm error box.
it('pnpm demo stops on SIGINT to its process group, exiting 0 without a pnpm error', async () => {
  const demo = spawn('pnpm', ['demo'], {
    cwd: root,
    detached: true,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  demo.stdout.on('data', collect);
  demo.stderr.on('data', collect);
  const exited = once(demo, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    await new Promise<void>((resolve, reject) => {
      demo.stdout.on('data', () => output.includes('Press Ctrl-C to stop.') && resolve());
      void exited.then(() => reject(new Error(`pnpm demo exited before it was ready:\n${output}`)));
    });
    process.kill(-demo.pid!, 'SIGINT');
    const [code, signal] = await exited;
    expect({ code, signal, failed: /ELIFECYCLE|ERR_PNPM/.test(output) }, output).toEqual({
      code: 0,
      signal: null,
      failed: false,
    });
    expect(output).toContain('Stopping…');
  } finally {
    if (demo.exitCode === null && demo.signalCode === null) process.kill(-demo.pid!, 'SIGKILL');
  }
});
