/**
 * @tether/redis/testing: a throwaway redis-server for tests (on a free port, removed on
 * dispose; needs `redis-server` on the PATH), a three-master Redis Cluster of them (needs
 * `redis-cli` too), and a bounded poll for conditions that settle in Redis rather than in an
 * event. Published on purpose, for testing code that uses Redis.
 */
export { startRedisServer } from './redis-server.js';
export type { RedisServer } from './redis-server.js';
export { eventually } from './eventually.js';
export { startRedisCluster } from './redis-cluster.js';
export type { RedisCluster } from './redis-cluster.js';
