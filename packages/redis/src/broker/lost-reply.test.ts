import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { BrokerStatus } from '@tether/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { BrokerKeys } from './keys.js';
import { redisBroker } from './redis-broker.js';

/**
 * A TCP proxy to Redis that can lose a reply: armed, it forwards the next script call, drops
 * what Redis answers to it and cuts every connection, as Redis dying right after running a
 * command would. Later connections pass through.
 */
async function lossyProxy(target: number): Promise<{ port: number; loseNextScriptReply(): void; close(): void }> {
  const sockets = new Set<Socket>();
  let armed = false;
  const server: Server = createServer((client) => {
    const upstream = createConnection(target, '127.0.0.1');
    let losing = false;
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk) => {
      if (armed && /evalsha/i.test(chunk.toString('latin1'))) {
        armed = false;
        losing = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!losing) return void client.write(chunk);
      for (const socket of sockets) socket.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    loseNextScriptReply: () => void (armed = true),
    close: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

let redis: RedisServer;
let direct: Redis;
beforeAll(async () => {
  redis = await startRedisServer();
  direct = new Redis(redis.url);
});
afterAll(async () => {
  direct?.disconnect();
  await redis?.stop();
});

describe('a publish whose reply was lost with Redis', () => {
  it('does not let the topic take the same epoch again once Redis comes back empty', async () => {
    const proxy = await lossyProxy(redis.port);
    const broker = redisBroker({
      url: `redis://127.0.0.1:${proxy.port}`,
      prefix: 'lost:',
      redis: { retryStrategy: () => 20 },
    });
    try {
      await broker.ready();
      const statuses: BrokerStatus[] = [];
      const back = new Promise<void>((resolve) =>
        broker.onStatus((status) => {
          statuses.push(status);
          if (status === 'ok') resolve();
        }),
      );
      const epochKey = new BrokerKeys('lost:', 1).topic('t').epoch;

      // The first publish on the topic takes the broker's candidate epoch; its reply never arrives.
      proxy.loseNextScriptReply();
      await expect(broker.publish('t', 'stored, unacknowledged')).rejects.toMatchObject({ message: /unavailable/ });
      const lostEpoch = await direct.get(epochKey);
      expect(lostEpoch).not.toBeNull();

      // Redis then comes back empty: whoever read that event holds a position in `lostEpoch`.
      await direct.flushall();
      await back;
      expect(statuses).toEqual(['degraded', 'ok']);
      await broker.publish('t', 'after');
      expect(await direct.get(epochKey)).not.toBe(lostEpoch);
    } finally {
      await broker.close();
      proxy.close();
    }
  });
});
