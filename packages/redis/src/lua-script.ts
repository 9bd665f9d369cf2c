import { createHash } from 'node:crypto';
import { scriptHosts, type RedisClient } from './connection.js';

/**
 * A Lua script run by its SHA1 (EVALSHA), sent in full only when Redis does not know it yet:
 * after a restart the script cache is empty, and the NOSCRIPT reply triggers one EVAL.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Loads the script ahead of use. A broker does this on every (re)connect: left to the NOSCRIPT
   * fallback, publishes racing a fresh script cache could be re-sent out of their call order.
   */
  async load(redis: RedisClient): Promise<void> {
    // A cluster routes EVALSHA to the master of its keys' slot: each master needs the script.
    await Promise.all(scriptHosts(redis).map((host) => host.script('LOAD', this.source)));
  }

  async run(redis: RedisClient, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
