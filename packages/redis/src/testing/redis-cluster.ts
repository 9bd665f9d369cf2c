import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type RedisServer } from './redis-server.js';

/** A local Redis Cluster of three masters (no replicas) on loopback ports, for tests. */
export interface RedisCluster extends AsyncDisposable {
  /** Each master's `redis://127.0.0.1:<port>`; any one is a seed for a cluster client. */
  readonly urls: readonly string[];
  /** Stops every node, and removes their cluster config files. */
  stop(): Promise<void>;
}

/**
 * Starts three `redis-server --cluster-enabled yes` nodes and joins them with
 * `redis-cli --cluster create --cluster-yes`; resolves once every slot is served.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-cluster-'));
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await startRedisServer([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `node-${i}.conf`),
          '--cluster-node-timeout',
          '2000',
        ]),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const node of nodes) await untilClusterOk(node.port);
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  return { urls: nodes.map((node) => node.url), stop, [Symbol.asyncDispose]: stop };
}

/** Runs a command to completion; rejects with its output when it fails. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output}`)),
    );
  });
}

/** Waits (bounded) until the node says `cluster_state:ok`: slots are assigned as the nodes gossip. */
async function untilClusterOk(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const info = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
    if (info.includes('cluster_state:ok')) return;
    if (Date.now() > deadline) throw new Error(`cluster node ${port} not ok within 20 s: ${info}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
