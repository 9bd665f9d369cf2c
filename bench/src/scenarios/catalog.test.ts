import { describe, expect, it } from 'vitest';
import { fanoutSize, isPublishRate, onRedisCluster, quickSettings, redisNodesOf, rows, runs } from './catalog.js';

describe('the Redis Cluster scenarios', () => {
  it('run the fan-out over two server processes on a cluster, sized as the one-node fan-out', () => {
    expect(redisNodesOf('fanout-redis-cluster')).toBe(2);
    expect(onRedisCluster('fanout-redis-cluster')).toBe(true);
    expect(fanoutSize('fanout-redis-cluster', quickSettings)).toEqual(fanoutSize('fanout', quickSettings));
  });

  it('measure the publish rate on one server process on a cluster', () => {
    expect(redisNodesOf('publish-redis-cluster')).toBe(1);
    expect(onRedisCluster('publish-redis-cluster')).toBe(true);
    expect(isPublishRate('publish-redis-cluster')).toBe(true);
  });

  it('leave the single redis-server scenarios and the scenarios without Redis off any cluster', () => {
    expect(onRedisCluster('fanout-redis')).toBe(false);
    expect(onRedisCluster('publish-redis')).toBe(false);
    expect(onRedisCluster('fanout')).toBe(false);
    expect(redisNodesOf('fanout')).toBeUndefined();
  });

  it('are Tether only', () => {
    expect(runs('tether', 'fanout-redis-cluster')).toBe(true);
    expect(runs('raw-ws', 'fanout-redis-cluster')).toBe(false);
    expect(runs('socket.io', 'publish-redis-cluster')).toBe(false);
  });

  it('report fan-out as a ratio to the same system on one node, as fanout-redis does', () => {
    const cluster = rows.filter((r) => r.scenario === 'fanout-redis-cluster');
    expect(cluster.map((r) => r.metric)).toEqual(['eventsPerSec', 'lastMs']);
    for (const row of cluster)
      expect(row.baseline).toEqual(
        rows.find((r) => r.scenario === 'fanout-redis' && r.metric === row.metric)!.baseline,
      );
  });
});
