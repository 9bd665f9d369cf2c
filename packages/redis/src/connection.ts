import { Redis, type RedisOptions } from 'ioredis';

/**
 * Opens a connection that fails fast: no offline queue, no retry or resend of a command the
 * connection dropped. A publish must reject while Redis is away (so its caller knows), never
 * wait to be replayed later, possibly twice. Reconnecting itself goes on (`retryStrategy`).
 */
export function openConnection(url: string, options: RedisOptions | undefined, name: string): Redis {
  const redis = new Redis(url, {
    ...options,
    connectionName: name,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  });
  // Connection errors surface as status changes and rejected commands; without a listener
  // ioredis would also print each one.
  redis.on('error', () => undefined);
  return redis;
}

/** Resolves true once `redis` is ready (at once if it is), false after `timeout` ms without. */
export function readyWithin(redis: Redis, timeout: number): Promise<boolean> {
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
