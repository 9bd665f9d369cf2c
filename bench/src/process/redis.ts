import { spawnSync } from 'node:child_process';
import { startRedisServer, type RedisServer } from '@tether/redis/testing';

/**
 * A fresh redis-server on a free loopback port for a scenario across server processes (the
 * same helper @tether/redis's tests use: no persistence, stopped by its caller), or why there
 * is none, so the scenario is skipped with that reason rather than failed.
 */
export async function startRedis(): Promise<RedisServer | { skipped: string }> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error) {
    return { skipped: 'skipped: redis-server is not on PATH' };
  }
  return startRedisServer();
}
