import { SpanKind } from '@opentelemetry/api';
import { connect } from '@tether/client';
import { redisBroker } from '@tether/redis';
import { startRedisServer, type RedisServer } from '@tether/redis/testing';
import { createServer, type Broker, type TopicEvent } from '@tether/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { traceBroker } from './traced-broker.js';
import { telemetryKit } from './test-kit.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const closing: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

describe('traced publishes', () => {
  it('links the delivery on another node, through Redis, back to the publish, and keeps the meta out of the data', async () => {
    const kit = telemetryKit();
    closing.push(() => kit.close());
    const prefix = `traced-${Date.now()}:`;
    const nodes = await Promise.all(
      ['a', 'b'].map(async () => {
        const server = await createServer({
          port: 0,
          broker: traceBroker(redisBroker({ url: redis.url, prefix }), kit.options),
        });
        server.subscription('news', () => server.topic('news'));
        closing.push(() => server.close({ deadline: 0 }));
        return server;
      }),
    );
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const client = connect(b.url, { reconnect: { maxRetries: 0 } });
    closing.push(() => client.close());
    const got: unknown[] = [];
    let arrived!: () => void;
    const delivered = new Promise<void>((resolve) => (arrived = resolve));
    await client.subscribe('news', undefined, {
      onEvent: (data) => {
        got.push(data);
        arrived();
      },
    }).ready;

    const id = await kit.options.tracer.startActiveSpan('user publishes', async (root) => {
      const published = await a.publish('news', { headline: 'traced' });
      root.end();
      return published;
    });
    await delivered;
    expect(got).toEqual([{ headline: 'traced' }]);

    const [send] = kit.named('send news');
    const root = kit.named('user publishes')[0]!;
    expect(send).toMatchObject({ kind: SpanKind.PRODUCER });
    expect(send!.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(send!.attributes).toMatchObject({
      'messaging.system': 'tether',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'news',
      'messaging.message.id': String(id),
    });
    // Only b has a subscriber, so only b's broker delivers (a's reads nothing for the topic).
    const deliveries = kit.named('process news');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.kind).toBe(SpanKind.CONSUMER);
    expect(deliveries[0]!.links.map((l) => l.context.spanId)).toEqual([send!.spanContext().spanId]);
    expect(deliveries[0]!.attributes['messaging.message.id']).toBe(String(id));
  });

  it("reports how far this node's deliveries trail the topic head, per subscribed topic", async () => {
    // A broker whose reader is behind: the head (history's lastId) is 7, the node has seen up to 3.
    let feed: ((event: TopicEvent) => void) | undefined;
    const behind: Broker = {
      status: 'ok',
      onStatus: () => undefined,
      publish: async () => 7,
      subscribe: async (_topic, listener) => {
        feed = listener;
        return async () => undefined;
      },
      history: async () => ({ events: [], complete: true, lastId: 7, epoch: 'e' }),
      close: async () => undefined,
    };
    const broker = traceBroker(behind);
    const unsubscribe = await broker.subscribe('t', () => undefined);
    expect(await broker.lag()).toEqual(new Map());
    feed!({ topic: 't', id: 3, epoch: 'e', data: null });
    expect(await broker.lag()).toEqual(new Map([['t', 4]]));
    await unsubscribe();
    expect(await broker.lag()).toEqual(new Map());
  });
});
