import { describe, expect, it } from 'vitest';
import type { EventStream, StreamSink } from '@tether/core';
import { startTestServer } from '@tether/server/testing';
import { connect } from './client.js';

/** A topic with a full history, outliving the servers that serve it, so a resume can be checked for loss and duplicates. */
function topic() {
  const log: string[] = [];
  const sinks = new Set<StreamSink>();
  return {
    publish(data: string) {
      log.push(data);
      for (const sink of sinks) sink.next(data, log.length);
    },
    stream(): EventStream {
      let mine: StreamSink | undefined;
      return {
        open(sink, after = 0) {
          mine = sink;
          log.slice(after).forEach((data, i) => sink.next(data, after + i + 1));
          sinks.add(sink);
        },
        close() {
          if (mine) sinks.delete(mine);
        },
      };
    },
  };
}

describe('client subscriptions', () => {
  it('resume after a reconnect from the last event seen: nothing lost, nothing twice', async () => {
    const news = topic();
    const start = async (port?: number) => {
      const test = await startTestServer(port === undefined ? {} : { port });
      test.server.subscription('news', () => news.stream());
      return test;
    };
    const first = await start();
    await using client = connect(first.url, { reconnect: { baseDelay: 10, maxDelay: 20 } });
    const seen: string[] = [];
    let arrived: (() => void) | undefined;
    const sub = client.subscribe<string>('news', undefined, {
      onEvent: (data) => {
        seen.push(data);
        arrived?.();
      },
    });
    const count = (n: number) =>
      new Promise<void>((resolve) => {
        arrived = () => seen.length >= n && resolve();
        arrived();
      });
    await sub.ready;
    news.publish('a');
    news.publish('b');
    await count(2);

    const reconnecting = new Promise((resolve) => client.once('reconnecting', resolve));
    await first.drop();
    await reconnecting;
    news.publish('c');
    news.publish('d');
    await using _second = await start(first.port);
    await count(4);
    news.publish('e');
    await count(5);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(sub.lastEventId).toBe(5);
    await sub.unsubscribe();
  });

  it('reach the subscription, not the middleware added with client.use', async () => {
    const news = topic();
    await using test = await startTestServer();
    test.server.subscription('news', () => news.stream());
    const seen: string[] = [];
    await using client = connect(test.url).use((call, next) => {
      seen.push(call.method);
      return next();
    });
    client.register('hello', () => 'hi');
    const got: string[] = [];
    let arrived!: () => void;
    const both = new Promise<void>((resolve) => (arrived = resolve));
    const sub = client.subscribe<string>('news', undefined, {
      onEvent: (data) => {
        got.push(data);
        if (got.length === 2) arrived();
      },
    });
    await sub.ready;
    news.publish('a');
    news.publish('b');
    await both;
    const [peer] = test.server.connections;
    await expect(peer?.call('hello')).resolves.toBe('hi');
    expect(got).toEqual(['a', 'b']);
    expect(seen).toEqual(['hello']);
    await sub.unsubscribe();
  });
});
