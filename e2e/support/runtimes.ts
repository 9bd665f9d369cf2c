import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A JavaScript runtime other than the Node running the tests, installed from the npm registry as a dev dependency. */
export type Runtime = 'bun' | 'deno';

const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

/** The command line that runs `script` on `runtime`; Deno is given only the permissions a loopback test needs. */
function commandFor(runtime: Runtime, script: string, args: readonly string[]): [string, string[]] {
  if (runtime === 'bun') return [bin('bun'), ['run', script, ...args]];
  return [bin('deno'), ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', script, ...args]];
}

/** A child process speaking JSON lines on stdout and taking command lines on stdin. */
export interface Driven {
  /** Resolves with the next printed message that `match` accepts, skipping the others; rejects if the process exits first. */
  next<T = Record<string, unknown>>(match: (message: Record<string, unknown>) => boolean): Promise<T>;
  /** Writes one command line. */
  send(command: string): void;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  kill(): void;
}

/**
 * Runs `script` on `runtime` from `cwd` (whose node_modules resolve `@tether/*` to the built
 * packages). Messages are queued from the start, so none is missed between two `next` calls.
 */
export function drive(runtime: Runtime, script: string, args: readonly string[], cwd: string): Driven {
  const [command, argv] = commandFor(runtime, script, args);
  const child: ChildProcess = spawn(command, argv, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const queue: Array<Record<string, unknown>> = [];
  let wake: (() => void) | undefined;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      queue.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      stderr += `${line}\n`; // a runtime's own warning on stdout
    }
    wake?.();
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      wake?.();
      resolve(code);
    });
  });
  return {
    async next<T>(match: (message: Record<string, unknown>) => boolean): Promise<T> {
      for (;;) {
        const index = queue.findIndex(match);
        if (index !== -1) return queue.splice(index, 1)[0] as T;
        if (exitCode !== undefined) {
          throw new Error(`${runtime} ${script} exited (${exitCode}) before the awaited message; stderr:\n${stderr}`);
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    send(line: string) {
      child.stdin!.write(`${line}\n`);
    },
    exited,
    kill() {
      child.kill('SIGKILL');
    },
  };
}
