import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';

/**
 * A real `redis-server` (Debian's, on PATH) on a loopback port, for tests: no mock, no
 * persistence, so a restart comes back empty as a crashed cache would.
 */
export interface RedisServer extends AsyncDisposable {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Whether the process is running now. */
  readonly running: boolean;
  /** Kills the process (SIGKILL, as a crash) and resolves once it has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty) and resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it for good (SIGTERM), resolving once it has exited. */
  stop(): Promise<void>;
}

const READY_LINE = 'Ready to accept connections';
const START_TIMEOUT_MS = 10_000;

/** Starts a redis-server on a free loopback port, with `extraArgs` if given; resolves once it answers PING. */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<RedisServer> {
  // Another process may take the free port before redis binds it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const server = new LocalRedis(port, extraArgs);
    try {
      await server.start();
      return server;
    } catch (error) {
      lastError = error;
      await server.stop();
    }
  }
  throw new Error('redis-server did not start', { cause: lastError });
}

class LocalRedis implements RedisServer {
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(
    readonly port: number,
    private readonly extraArgs: readonly string[],
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error(`redis-server on ${this.port} is already running`);
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--logfile',
        '',
        ...this.extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    process.on('exit', this.killOnExit);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        process.off('exit', this.killOnExit);
        resolve();
      }),
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`redis-server on ${this.port}: no ready line in ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(READY_LINE)) finish();
      };
      const onExit = (code: number | null) =>
        fail(new Error(`redis-server on ${this.port} exited (${code}): ${output}`));
      const onError = (error: Error) => fail(error);
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const finish = () => {
        cleanup();
        resolve();
      };
      const fail = (error: Error) => {
        cleanup();
        reject(error);
      };
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
    // The log lines keep coming; nobody reads them past this point.
    child.stdout?.resume();
    child.stderr?.resume();
    await ping(this.port);
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    this.child?.kill('SIGTERM');
    await this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/**
 * A free port below the OS's ephemeral range. Tests kill and restart Redis on its port; were
 * the port ephemeral, a server listening on port 0 elsewhere could be handed it meanwhile.
 */
async function freePort(): Promise<number> {
  const low = await ephemeralLow();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * Math.max(1, low - 10_000));
    if (await canListen(port)) return port;
  }
  throw new Error('no free port below the ephemeral range');
}

async function ephemeralLow(): Promise<number> {
  try {
    const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const low = Number.parseInt(range, 10);
    return Number.isFinite(low) && low > 10_001 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Sends one inline PING and resolves on +PONG. */
function ping(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    socket.setTimeout(START_TIMEOUT_MS, () => socket.destroy(new Error(`redis-server on ${port}: PING timed out`)));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (!reply.includes('\r\n')) return;
      socket.end();
      if (reply.startsWith('+PONG')) resolve();
      else reject(new Error(`redis-server on ${port} answered ${JSON.stringify(reply)}`));
    });
    socket.once('error', reject);
  });
}
