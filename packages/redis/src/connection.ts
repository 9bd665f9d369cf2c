import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A connection to one Redis or to a Redis Cluster: what every part of this package talks through. */
export type RedisClient = Redis | Cluster;

/** Where to connect: the option every part of this package takes. */
export interface RedisTarget {
  /** The Redis server, e.g. `redis://127.0.0.1:6379`; with `cluster`, any node of the cluster. */
  url: string;
  /** Whether `url` is a node of a Redis Cluster, whose other nodes are then discovered. Default false. */
  cluster?: boolean;
  /** Further ioredis options (`password`, `tls`, `retryStrategy`...). */
  redis?: RedisOptions;
}

/**
 * Opens a connection that fails fast: no offline queue, no retry or resend of a command the
 * connection dropped. A publish must reject while Redis is away (so its caller knows), never
 * wait to be replayed later, possibly twice. Reconnecting itself goes on (`retryStrategy`).
 */
export function openConnection(target: RedisTarget, name: string): RedisClient {
  const failFast = {
    connectionName: name,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  } as const;
  let client: RedisClient;
  if (target.cluster) {
    const { retryStrategy, enableOfflineQueue: _queue, readOnly: _readOnly, ...redisOptions } = target.redis ?? {};
    const seed = new URL(target.url);
    client = new Cluster([{ host: seed.hostname, port: Number(seed.port || 6379) }], {
      redisOptions: {
        ...redisOptions,
        ...(seed.username ? { username: decodeURIComponent(seed.username) } : {}),
        ...(seed.password ? { password: decodeURIComponent(seed.password) } : {}),
        ...failFast,
      },
      enableOfflineQueue: false,
      lazyConnect: false,
      ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
    });
  } else {
    client = new Redis(target.url, { ...target.redis, ...failFast, lazyConnect: false, enableOfflineQueue: false });
  }
  // Connection errors surface as status changes and rejected commands; without a listener
  // ioredis would also print each one.
  client.on('error', () => undefined);
  return client;
}

/** The connections a script must be loaded on: every master of a cluster, or the one Redis. */
export function scriptHosts(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** Resolves true once `redis` is ready (at once if it is), false after `timeout` ms without. */
export function readyWithin(redis: RedisClient, timeout: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeout);
    redis.once('ready', onReady);
  });
}
