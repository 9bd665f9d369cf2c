import { describe, expect, it } from 'vitest';
import { whyNoRedis } from './redis.js';

const only =
  (...present: string[]) =>
  (command: string) =>
    present.includes(command);

describe('whyNoRedis', () => {
  it('lets a scenario on one redis-server run without redis-cli', () => {
    expect(whyNoRedis(false, only('redis-server'))).toBeUndefined();
  });

  it('skips a Redis Cluster scenario, naming redis-cli, when only redis-server is there', () => {
    expect(whyNoRedis(true, only('redis-server'))).toBe('skipped: redis-cli is not on PATH');
  });

  it('names every missing command', () => {
    expect(whyNoRedis(true, only())).toBe('skipped: redis-server and redis-cli are not on PATH');
    expect(whyNoRedis(false, only('redis-cli'))).toBe('skipped: redis-server is not on PATH');
  });

  it('starts a cluster when both are there', () => {
    expect(whyNoRedis(true, only('redis-server', 'redis-cli'))).toBeUndefined();
  });
});
