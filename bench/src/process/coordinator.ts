import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fanoutSize, isPublishRate, type Metrics, type RunSettings, type ScenarioId } from '../scenarios/catalog.js';
import type { SystemEntry } from '../systems/types.js';
import { openFileLimits } from '../scenarios/source-addresses.js';
import type { ChildScripts } from './build.js';
import { Channel, DeadlineError } from './channel.js';

/** How children are started. */
export interface ChildOptions {
  /** The compiled child entry points. */
  scripts: ChildScripts;
  /** Directory for CPU profiles of every child's measured slices (see profiler.ts); none when undefined. */
  profileDir: string | undefined;
}

/** A scenario's figures (one entry per measured slice), or why there are none. */
export type Outcome = { slices: Metrics[] } | { error: string };

/** What the coordinator asks of a load generator. */
export type LoadOp = 'idle' | 'prepare' | 'slice' | 'finish';

interface Child {
  process: ChildProcess;
  channel: Channel;
  ready: Promise<unknown>;
}

const benchDir = fileURLToPath(new URL('../..', import.meta.url));

const limits = openFileLimits();

/** The workspace's pinned Bun (a root dev dependency, what `npx bun` runs), for systems whose server runs on it. */
const bunPath = fileURLToPath(new URL('../../../node_modules/.bin/bun', import.meta.url));

/**
 * Forks a child process with an IPC channel: Node, or Bun (which speaks Node's JSON IPC, and
 * collects garbage through `Bun.gc` without a flag). When the soft limit on open files is below
 * the hard one, it goes through a shell that raises it first (Node cannot raise its own), so
 * the idle scenarios' thousands of sockets fit; `exec` keeps the process and its IPC descriptor.
 */
function launch(script: string, args: string[], env: NodeJS.ProcessEnv, runtime: SystemEntry['runtime']): ChildProcess {
  const [execPath, execArgv] = runtime === 'bun' ? [bunPath, []] : [process.execPath, ['--expose-gc']];
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  if (limits.hard === undefined || limits.soft === undefined || limits.soft >= limits.hard) {
    return fork(script, args, { cwd: benchDir, env, execPath, execArgv, stdio });
  }
  const raise = `ulimit -n ${limits.hard} && exec "$0" "$@"`;
  return spawn('/bin/sh', ['-c', raise, execPath, ...execArgv, script, ...args], { cwd: benchDir, env, stdio });
}

/** Answers a child's requests other than `ready`. */
type Relay = (op: string, value: unknown) => Promise<unknown>;

function start(
  script: string,
  args: string[],
  name: string,
  options: ChildOptions,
  relay?: Relay,
  extraEnv?: NodeJS.ProcessEnv,
  runtime?: SystemEntry['runtime'],
): Child {
  const profileEnv = options.profileDir ? { BENCH_PROFILE_DIR: options.profileDir, BENCH_PROFILE_NAME: name } : {};
  const env = { ...process.env, ...profileEnv, ...extraEnv };
  const child = launch(script, args, env, runtime);
  const channel = new Channel(child);
  let markReady: (value: unknown) => void = () => undefined;
  const ready = new Promise<unknown>((resolve, reject) => {
    markReady = resolve;
    child.once('exit', (code) => reject(new Error(`bench: ${name} exited (${code}) before it was ready`)));
  });
  // A child that exited early must not leave an unhandled rejection behind once it was ready.
  ready.catch(() => undefined);
  child.once('exit', (code, signal) => channel.failAll(new Error(`bench: ${name} exited (${code ?? signal})`)));
  channel.serve((op, value) => {
    if (op === 'ready') {
      markReady(value);
      return null;
    }
    if (!relay) throw new Error(`bench: ${name} asked for "${op}"`);
    return relay(op, value);
  });
  return { process: child, channel, ready };
}

const alive = (child: Child) => child.process.exitCode === null && child.process.signalCode === null;

async function stop(child: Child, graceful: boolean): Promise<void> {
  if (!alive(child)) return;
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  if (graceful) await child.channel.request('stop', null, 5000).catch(() => undefined);
  else child.process.disconnect();
  const late = setTimeout(() => child.process.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(late);
}

/** Longest one request may take before the load generator is killed: its own bounds plus slack. */
function deadline(op: LoadOp, scenario: ScenarioId, settings: RunSettings): number {
  const slack = 30_000;
  // Its own bounds: 20 s for the server to be empty, connecting, 30 s to see every connection, 30 s to see none.
  if (op === 'idle') return 120_000;
  if (op === 'finish') return slack;
  if (fanoutSize(scenario, settings)) return (op === 'prepare' ? 2 : 1) * settings.fanoutTimeoutMs + slack;
  // A publish-rate slice is two windows, each warmed up.
  if (isPublishRate(scenario)) return op === 'prepare' ? slack : 2 * (settings.sliceWarmMs + settings.sliceMs) + slack;
  return (op === 'prepare' ? settings.warmMs : settings.sliceWarmMs + settings.sliceMs) + slack;
}

/**
 * One system's processes: a server process (or several sharing one Redis) and a load-generator
 * process, the load generator's requests to the server relayed through here. They stay up for
 * a whole round, so every scenario can visit every system in turn, close together in time.
 */
export class SystemUnderTest {
  private constructor(
    readonly system: SystemEntry,
    private readonly servers: readonly Child[],
    private readonly load: Child,
  ) {}

  /**
   * Starts the server processes (one unless `redis` asks for more), then the load generator
   * pointed at them; all must report ready. On a Redis Cluster, a server is told so by
   * `REDIS_CLUSTER=1`, as e2e's Redis nodes are; with `compressed`, by `BENCH_DEFLATE=1` that it
   * is to compress (see isCompressed).
   */
  static async start(
    system: SystemEntry,
    options: ChildOptions,
    round: number,
    redis?: { url: string; cluster: boolean; nodes: number },
    compressed = false,
  ): Promise<SystemUnderTest> {
    const tag = `${system.name}${redis ? '-redis' : ''}${compressed ? '-deflate' : ''}-r${round}`;
    const servers: Child[] = [];
    let load: Child | undefined;
    try {
      for (let node = 0; node < (redis?.nodes ?? 1); node++) {
        const name = redis ? `${tag}-server${node + 1}` : `${tag}-server`;
        const env =
          redis?.cluster || compressed
            ? { ...(redis?.cluster && { REDIS_CLUSTER: '1' }), ...(compressed && { BENCH_DEFLATE: '1' }) }
            : undefined;
        servers.push(
          start(
            options.scripts.server,
            redis ? [system.name, redis.url] : [system.name],
            name,
            options,
            undefined,
            env,
            system.runtime,
          ),
        );
      }
      const ports: number[] = [];
      for (const server of servers) {
        const { port } = (await withDeadline(server.ready, 30_000, `${system.name} server start`)) as { port: number };
        ports.push(port);
      }
      const urls = ports.map((port) => `ws://127.0.0.1:${port}`);
      load = start(options.scripts.load, [system.name, ...urls], `${tag}-load`, options, relayTo(servers));
      await withDeadline(load.ready, 30_000, `${system.name} load generator start`);
      return new SystemUnderTest(system, servers, load);
    } catch (error) {
      if (load) await stop(load, false);
      for (const server of servers) await stop(server, false);
      throw error;
    }
  }

  /** Whether all its processes still run. */
  get alive(): boolean {
    return this.servers.every(alive) && alive(this.load);
  }

  /**
   * Asks the load generator to run `op` of `scenario`. A request past its deadline kills the
   * load generator: it may still be running, and nothing after it would be measured fairly.
   * A slice is profiled under `profileAs` when given (a reference's, under the scenario it is measured alongside).
   */
  async request(
    op: LoadOp,
    scenario: ScenarioId,
    settings: RunSettings,
    profileAs?: ScenarioId,
  ): Promise<Metrics | null> {
    if (!this.alive) throw new Error('skipped: a process of this system exited');
    try {
      return await this.load.channel.request<Metrics | null>(
        op,
        { scenario, settings, profileAs },
        deadline(op, scenario, settings),
      );
    } catch (error) {
      if (error instanceof DeadlineError) this.load.process.kill('SIGKILL');
      throw error;
    }
  }

  /** Stops the load generator, then the servers (gracefully, killed if they do not exit). */
  async stop(): Promise<void> {
    await stop(this.load, false);
    for (const server of this.servers) await stop(server, true);
  }
}

/** Server requests every server answers: counts are summed, profiling starts and stops on all. */
const everyServer = new Set(['cpu', 'connections', 'profile-start', 'profile-stop']);

/**
 * Answers the load generator's requests for the servers as if they were one: events are
 * published on the first (the others receive them through Redis), CPU and connections are
 * summed over all, memory is the first's.
 */
function relayTo(servers: readonly Child[]): Relay {
  return async (_op, value) => {
    const { op, args } = value as { op: string; args?: unknown };
    const ask = (server: Child) => server.channel.request(op, args ?? null, 60_000);
    if (servers.length === 1 || !everyServer.has(op)) return ask(servers[0]!);
    const each = await Promise.all(servers.map(ask));
    return each.reduce((sum: number, n) => sum + (typeof n === 'number' ? n : 0), 0);
  };
}

/** A failure as an outcome: its first line. */
export function failure(error: unknown): Outcome {
  return { error: firstLine(error) };
}

/** The first line of an error, without the `Error: ` a child's stack trace begins with (so a child's `skipped: …` reads as skipped). */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).replace(/^Error: /, '');
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: ${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
