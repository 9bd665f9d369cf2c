/**
 * @tether/redis/testing: a throwaway redis-server for tests (on a free port, removed on
 * dispose; needs `redis-server` on the PATH), and a bounded poll for conditions that settle
 * in Redis rather than in an event. Published on purpose, for testing code that uses Redis.
 */
export { startRedisServer } from './redis-server.js';
export type { RedisServer } from './redis-server.js';
export { eventually } from './eventually.js';
