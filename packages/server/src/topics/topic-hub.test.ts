import { createMemoryTransportPair, ErrorCode, Peer, serveSubscription, Service, type Transport } from '@tether/core';
import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../broker/memory-broker.js';
import { TopicHub } from './topic-hub.js';

function setup(historySize = 1000) {
  const broker = new MemoryBroker({ historySize });
  const hub = new TopicHub(broker);
  const service = new Service();
  serveSubscription(service, 'topic', (name: string) => hub.stream(name));
  /** A new connection to the same server-side service, as after a reconnect. */
  const transports: Transport[] = [];
  const connect = (client = new Peer({ persistent: true })) => {
    const [a, b] = createMemoryTransportPair();
    new Peer({ service }).attach(a);
    transports.push(b);
    return client.attach(b);
  };
  /** Drops the newest connection, as a network failure would. */
  const drop = () => transports.at(-1)?.close(1006, 'dropped');
  return { broker, hub, connect, drop };
}

function counter() {
  const seen: number[] = [];
  let wake: (() => void) | undefined;
  return {
    seen,
    onEvent: (n: number) => {
      seen.push(n);
      wake?.();
    },
    /** Resolves when `n` events have arrived: driven by delivery, no polling. */
    reach: (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => seen.length >= n && resolve();
        wake = check;
        check();
      }),
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('topic hub', () => {
  it('delivers every event to many subscribers, in order', async () => {
    const { hub, connect } = setup();
    const counters = Array.from({ length: 20 }, () => counter());
    await Promise.all(counters.map((c) => connect().subscribe<number>('topic', ['t'], { onEvent: c.onEvent }).ready));
    for (let i = 1; i <= 200; i++) void hub.publish('t', i);
    await Promise.all(counters.map((c) => c.reach(200)));
    for (const c of counters) expect(c.seen).toEqual(range(1, 200));
  });

  it('frees the topic when the last subscriber leaves, and on disconnect', async () => {
    const { hub, broker, connect } = setup();
    const client = connect();
    const a = client.subscribe('topic', ['t']);
    const b = client.subscribe('topic', ['t']);
    await Promise.all([a.ready, b.ready]);
    expect(hub.receiverCount('t')).toBe(2);
    expect(broker.listenerCount('t')).toBe(1); // one broker subscription per topic per server
    await a.unsubscribe();
    await waitFor(() => hub.receiverCount('t') === 1);
    client.close();
    await waitFor(() => hub.receiverCount('t') === 0 && broker.listenerCount('t') === 0);
  });

  it('resumes across a reconnect: every event exactly once, in order', async () => {
    const { hub, connect, drop } = setup();
    const client = connect();
    const c = counter();
    await client.subscribe<number>('topic', ['t'], { onEvent: c.onEvent }).ready;
    for (let i = 1; i <= 100; i++) await hub.publish('t', i);
    await c.reach(100);
    const dropped = new Promise((resolve) => client.once('detach', resolve));
    drop();
    await dropped;
    for (let i = 101; i <= 150; i++) await hub.publish('t', i); // missed while away
    connect(client);
    for (let i = 151; i <= 200; i++) void hub.publish('t', i);
    await c.reach(200);
    expect(c.seen).toEqual(range(1, 200));
  });

  it('reports a gap larger than the history', async () => {
    const { hub, connect } = setup(10);
    for (let i = 1; i <= 50; i++) await hub.publish('t', i);
    const gaps: unknown[] = [];
    const c = counter();
    await connect().subscribe<number>('topic', ['t'], { after: 5, onGap: (g) => gaps.push(g), onEvent: c.onEvent })
      .ready;
    await c.reach(10);
    expect(gaps).toEqual([{ after: 5, next: 41 }]);
    expect(c.seen).toEqual(range(41, 50));
    const strict = connect().subscribe<number>('topic', ['t'], { after: 5 });
    await expect(strict[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: ErrorCode.HistoryGap });
  });

  it('tells a subscriber when the topic restarted below its position', async () => {
    const { hub, connect } = setup();
    await hub.publish('t', 'a');
    const gaps: unknown[] = [];
    const c = counter();
    await connect().subscribe('topic', ['t'], { after: 99, onGap: (g) => gaps.push(g), onEvent: c.onEvent }).ready;
    await c.reach(1);
    expect(gaps).toEqual([{ after: 99, next: 1, restarted: true, epoch: expect.any(String) }]);
  });

  it('a slow consumer does not hold back a fast one, and loses nothing', async () => {
    const { hub, connect } = setup();
    const fast = counter();
    await connect().subscribe<number>('topic', ['t'], { onEvent: fast.onEvent }).ready;
    const slow = connect().subscribe<number>('topic', ['t'], { bufferSize: 16 });
    await slow.ready;
    for (let i = 1; i <= 500; i++) void hub.publish('t', i);
    await fast.reach(500); // while the slow one has read nothing
    const got: number[] = [];
    for await (const n of slow) {
      got.push(n);
      if (got.length === 500) break;
    }
    expect(fast.seen).toEqual(range(1, 500));
    expect(got).toEqual(range(1, 500));
  });
});

/** Waits on message delivery for a condition, a bounded number of event-loop turns. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(condition()).toBe(true);
}
