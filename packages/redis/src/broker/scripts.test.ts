import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type RedisClient } from '../connection.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { publishScript, raiseScript } from './scripts.js';

let redis: RedisServer;
let connection: RedisClient;
beforeAll(async () => {
  redis = await startRedisServer();
  connection = openConnection({ url: redis.url }, 'scripts-test');
  await new Promise((resolve) => connection.once('ready', resolve));
});
afterAll(async () => {
  connection?.disconnect();
  await redis?.stop();
});

let runs = 0;
/** One topic's keys, fresh for each test, and the two scripts run on them with a broker's `seen`. */
function topic() {
  const keys = [`scripts${++runs}:seq`, `scripts${runs}:events`, `scripts${runs}:epoch`];
  return {
    publish: async (seen: number) =>
      Number(((await publishScript.run(connection, keys, [1000, 'e1', seen, 1, '"x"', ''])) as [number, string])[0]),
    raise: async (seen: number) => Number(await raiseScript.run(connection, keys, [seen])),
  };
}

describe('the counter after Redis lost a topic', () => {
  it('skips an id past the highest seen, whichever broker raises first', async () => {
    // An empty Redis; one broker had seen up to 20, another up to 21.
    const behindFirst = topic();
    expect(await behindFirst.raise(20)).toBe(21);
    expect(await behindFirst.raise(21)).toBe(22);
    expect(await behindFirst.publish(21)).toBe(23);

    const aheadFirst = topic();
    expect(await aheadFirst.raise(21)).toBe(22);
    expect(await aheadFirst.raise(20)).toBe(22);
    expect(await aheadFirst.publish(20)).toBe(23);
  });

  it('skips one when a broker that saw the counter publishes before raising', async () => {
    const t = topic();
    expect(await t.raise(20)).toBe(21);
    expect(await t.publish(21)).toBe(23);
  });

  it('leaves an intact counter alone, so a mere reconnect shows no hole', async () => {
    const t = topic();
    expect([await t.publish(0), await t.publish(1), await t.publish(2)]).toEqual([1, 2, 3]);
    expect(await t.raise(3)).toBe(3);
    expect(await t.raise(2)).toBe(3);
    expect(await t.publish(3)).toBe(4);
    expect(await t.publish(1)).toBe(5);
  });
});
