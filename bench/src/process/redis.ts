import { spawnSync } from 'node:child_process';
import { startRedisCluster, startRedisServer } from '@tether/redis/testing';

/** A fresh local Redis that a scenario's server processes share, stopped by its caller. */
export interface BenchRedis {
  /** The redis-server's URL, or for a cluster any master's (a seed for a cluster client). */
  url: string;
  /** Whether `url` is a node of a Redis Cluster. */
  cluster: boolean;
  stop(): Promise<void>;
}

/**
 * Why a Redis (a cluster with `cluster`) cannot be started here, given which commands are on
 * the PATH: the scenario is then skipped with that reason rather than failed. Undefined when it can.
 */
export function whyNoRedis(cluster: boolean, onPath: (command: string) => boolean): string | undefined {
  const missing = (cluster ? ['redis-server', 'redis-cli'] : ['redis-server']).filter((command) => !onPath(command));
  if (missing.length === 0) return undefined;
  return `skipped: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not on PATH`;
}

const onPath = (command: string) => !spawnSync(command, ['--version'], { stdio: 'ignore' }).error;

/**
 * A fresh redis-server on a free loopback port, or with `cluster` a 3-master Redis Cluster
 * (the same helpers @tether/redis's tests use: no persistence), or why there is none.
 */
export async function startRedis(cluster: boolean): Promise<BenchRedis | { skipped: string }> {
  const skipped = whyNoRedis(cluster, onPath);
  if (skipped) return { skipped };
  if (!cluster) {
    const server = await startRedisServer();
    return { url: server.url, cluster, stop: () => server.stop() };
  }
  const nodes = await startRedisCluster();
  return { url: nodes.urls[0]!, cluster, stop: () => nodes.stop() };
}
