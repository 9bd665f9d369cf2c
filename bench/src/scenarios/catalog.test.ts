import { describe, expect, it } from 'vitest';
import {
  alongsideMetric,
  alongsideOf,
  fanoutSize,
  fullSettings,
  isPublishRate,
  onRedisCluster,
  quickSettings,
  redisNodesOf,
  rows,
  runs,
} from './catalog.js';

describe('the Redis Cluster scenarios', () => {
  it('run the fan-out over two server processes on a cluster, sized as the one-node fan-out', () => {
    expect(redisNodesOf('fanout-redis-cluster')).toBe(2);
    expect(onRedisCluster('fanout-redis-cluster')).toBe(true);
    const { clients, events } = fanoutSize('fanout', quickSettings)!;
    expect(fanoutSize('fanout-redis-cluster', quickSettings)).toMatchObject({ clients, events });
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
    expect(cluster.map((r) => r.metric)).toEqual(
      rows.filter((r) => r.scenario === 'fanout-redis').map((r) => r.metric),
    );
    for (const row of cluster)
      expect(row.baseline).toEqual(
        rows.find((r) => r.scenario === 'fanout-redis' && r.metric === row.metric)!.baseline,
      );
  });
});

describe('the two-node fan-outs', () => {
  it('are measured alongside Tether on one node, whose figures join each slice under oneNode', () => {
    for (const scenario of ['fanout-redis', 'fanout-redis-cluster'] as const) {
      expect(alongsideOf(scenario)).toEqual({ scenario: 'fanout', prefix: 'oneNode' });
      const ratioRows = rows.filter((r) => r.scenario === scenario && typeof r.baseline === 'object');
      expect(ratioRows.map((r) => [r.metric, (r.baseline as { alongside: string }).alongside])).toEqual([
        ['eventsPerSec', 'oneNodeEventsPerSec'],
        ['serverCpuUs', 'oneNodeServerCpuUs'],
      ]);
      // Each reference figure the ratios divide by is a row of its own, so the table shows it.
      for (const row of ratioRows)
        expect(
          rows.some((r) => r.scenario === scenario && r.metric === (row.baseline as { alongside: string }).alongside),
        ).toBe(true);
    }
    expect(alongsideOf('fanout')).toBeUndefined();
    expect(alongsideMetric('oneNode', 'eventsPerSec')).toBe('oneNodeEventsPerSec');
  });

  it('warm up as long as a slice on their fresh processes', () => {
    expect(fanoutSize('fanout-redis', fullSettings)!.warmEvents).toBe(fullSettings.fanoutEvents);
  });
});
