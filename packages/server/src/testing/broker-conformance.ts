import assert from 'node:assert/strict';
import type { Broker, TopicEvent } from '../broker/broker.js';

/**
 * The test runner's functions the suite registers its tests with: vitest's, node:test's or
 * jest's fit as they are (`describeBroker({ describe, it, afterEach }, ...)`), so the suite
 * depends on no runner. Its checks are node:assert's.
 */
export interface TestRunner {
  /** Groups tests under a name. */
  describe(name: string, body: () => void): unknown;
  /** Registers one test. */
  it(name: string, body: () => Promise<void>): unknown;
  /** Runs after each test of the group. */
  afterEach(body: () => Promise<void>): unknown;
}

/**
 * The behaviour every Broker owes a server, run against each implementation (in-memory,
 * Redis). `make` builds a fresh broker; `makePeer` a second one sharing its backend
 * (the same instance for in-memory); `lose` has the backend of `broker` lose every topic, as a
 * restart from empty does, and resolves with a broker on it now (a new one for in-memory,
 * whose backend is itself).
 */
export function describeBroker(
  runner: TestRunner,
  name: string,
  make: (options: { historySize: number }) => Promise<Broker>,
  makePeer?: (first: Broker, options: { historySize: number }) => Promise<Broker>,
  lose?: (broker: Broker, options: { historySize: number }) => Promise<Broker>,
): void {
  const { describe, it, afterEach } = runner;
  describe(`${name} broker conformance`, () => {
    const open: Broker[] = [];
    const create = async (historySize = 100) => {
      const broker = await make({ historySize });
      open.push(broker);
      return broker;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });

    const collect = (broker: Broker, topic: string, count: number) => {
      const seen: TopicEvent[] = [];
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      const ready = broker.subscribe(topic, (event) => {
        seen.push(event);
        if (seen.length === count) done();
      });
      return { seen, finished, ready };
    };

    it('numbers events per topic from 1, consecutively', async () => {
      const broker = await create();
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await broker.publish('a', i));
      ids.push(await broker.publish('b', 'x'));
      assert.deepEqual(ids, [1, 2, 3, 4, 5, 1]);
    });

    it('delivers every event to every subscriber exactly once, in order', async () => {
      const broker = await create();
      const subs = [collect(broker, 't', 50), collect(broker, 't', 50), collect(broker, 't', 50)];
      await Promise.all(subs.map((s) => s.ready));
      for (let i = 0; i < 50; i++) void broker.publish('t', { i });
      await Promise.all(subs.map((s) => s.finished));
      for (const s of subs) {
        assert.deepEqual(
          s.seen.map((e) => e.id),
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        assert.deepEqual(
          s.seen.map((e) => (e.data as { i: number }).i),
          Array.from({ length: 50 }, (_, i) => i),
        );
      }
    });

    it('does not deliver other topics, nor after unsubscribe', async () => {
      const broker = await create();
      const seen: TopicEvent[] = [];
      const stop = await broker.subscribe('x', (e) => seen.push(e));
      const other = collect(broker, 'y', 1);
      await other.ready;
      await broker.publish('y', 1);
      await other.finished;
      await stop();
      await broker.publish('x', 2);
      const after = collect(broker, 'x', 1);
      await after.ready;
      await broker.publish('x', 3);
      await after.finished;
      assert.deepEqual(seen, []);
    });

    it('keeps a bounded history and says when it is incomplete', async () => {
      const broker = await create(10);
      for (let i = 1; i <= 25; i++) await broker.publish('h', i);
      const recent = await broker.history('h', 20);
      assert.deepEqual(
        recent.events.map((e) => e.id),
        [21, 22, 23, 24, 25],
      );
      assert.equal(recent.complete, true);
      assert.equal(recent.lastId, 25);
      const old = await broker.history('h', 3);
      assert.equal(old.complete, false);
      assert.ok(old.events.length <= 10, `${old.events.length} events kept, more than 10`);
      assert.equal(old.events.at(-1)?.id, 25);
      const never = await broker.history('never', 0);
      assert.deepEqual(
        { events: never.events, complete: never.complete, lastId: never.lastId },
        { events: [], complete: true, lastId: 0 },
      );
    });

    it('keeps delivering to the other listeners when one throws or leaves', async () => {
      const broker = await create();
      const thrower = await broker.subscribe('l', () => {
        throw new Error('listener bug');
      });
      const leaving: TopicEvent[] = [];
      const leave = await broker.subscribe('l', (e) => leaving.push(e));
      const staying = collect(broker, 'l', 2);
      await staying.ready;
      await broker.publish('l', 1);
      await leave();
      await broker.publish('l', 2);
      await staying.finished;
      assert.deepEqual(
        staying.seen.map((e) => e.id),
        [1, 2],
      );
      assert.equal(
        leaving.every((e) => e.id === 1),
        true,
      );
      await thrower();
    });

    it('leaves no event out between history and the live feed started before it', async () => {
      const broker = await create();
      const publisher = makePeer ? await makePeer(broker, { historySize: 100 }) : broker;
      if (publisher !== broker) open.push(publisher);
      const total = 60;
      let published = 0;
      const publishing = (async () => {
        while (published < total) {
          await publisher.publish('race', published);
          published++;
          // Yield to the macrotask queue, so the subscribe below lands mid-stream even in memory.
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      while (published < 20) await new Promise((resolve) => setImmediate(resolve));
      const live: TopicEvent[] = [];
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      await broker.subscribe('race', (e) => {
        live.push(e);
        if (e.id === total) done();
      });
      const past = await broker.history('race', 0);
      await publishing;
      if (!past.events.some((e) => e.id === total)) await finished;
      const ids = new Set([...past.events, ...live].map((e) => e.id));
      assert.deepEqual(
        [...ids].sort((a, b) => a - b),
        Array.from({ length: total }, (_, i) => i + 1),
      );
      assert.deepEqual(
        live.map((e) => e.id),
        [...live.map((e) => e.id)].sort((a, b) => a - b),
      );
    });

    it('gives every event, live and in history, the epoch of its topic', async () => {
      const broker = await create();
      const live = collect(broker, 'e', 3);
      await live.ready;
      for (let i = 0; i < 3; i++) await broker.publish('e', i);
      await live.finished;
      const past = await broker.history('e', 0);
      const epoch = past.epoch;
      assert.equal(typeof epoch, 'string');
      assert.notEqual(epoch, '');
      assert.deepEqual(
        live.seen.map((e) => e.epoch),
        [epoch, epoch, epoch],
      );
      assert.deepEqual(
        past.events.map((e) => e.epoch),
        [epoch, epoch, epoch],
      );
      assert.equal((await broker.history('e', 2)).epoch, epoch);
    });

    if (lose) {
      it("starts a new epoch when the topic's history is lost, whatever the ids", async () => {
        const broker = await create();
        for (let i = 0; i < 5; i++) await broker.publish('lost', `old${i}`);
        const before = await broker.history('lost', 0);
        const after = await lose(broker, { historySize: 100 });
        if (after !== broker) open.push(after);
        const empty = await after.history('lost', 0);
        assert.deepEqual(empty.events, []);
        assert.notEqual(empty.epoch, before.epoch);
        for (let i = 0; i < 3; i++) await after.publish('lost', `new${i}`);
        const now = await after.history('lost', 0);
        assert.equal(typeof now.epoch, 'string');
        assert.notEqual(now.epoch, before.epoch);
        assert.deepEqual(
          now.events.map((e) => e.data),
          ['new0', 'new1', 'new2'],
        );
        assert.equal(
          now.events.every((e) => e.epoch === now.epoch),
          true,
        );
      });
    }

    it("carries an event's meta beside its data, live and in history, to every broker on the backend", async () => {
      const broker = await create();
      const other = makePeer ? await makePeer(broker, { historySize: 100 }) : broker;
      if (other !== broker) open.push(other);
      const live = collect(other, 'm', 2);
      await live.ready;
      const meta = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
      await broker.publish('m', { n: 1 }, meta);
      await broker.publish('m', { n: 2 });
      await live.finished;
      assert.deepEqual(
        live.seen.map((e) => [e.data, e.meta]),
        [
          [{ n: 1 }, meta],
          [{ n: 2 }, undefined],
        ],
      );
      const slice = await other.history('m', 0);
      assert.deepEqual(
        slice.events.map((e) => e.meta),
        [meta, undefined],
      );
    });

    it('reports ok status while healthy', async () => {
      const broker = await create();
      assert.equal(broker.status, 'ok');
    });

    if (makePeer) {
      it('carries events between brokers sharing a backend', async () => {
        const first = await create();
        const second = await makePeer(first, { historySize: 100 });
        open.push(second);
        const onSecond = collect(second, 'shared', 20);
        const onFirst = collect(first, 'shared', 20);
        await Promise.all([onSecond.ready, onFirst.ready]);
        for (let i = 0; i < 10; i++) {
          await first.publish('shared', `a${i}`);
          await second.publish('shared', `b${i}`);
        }
        await Promise.all([onSecond.finished, onFirst.finished]);
        const ids = Array.from({ length: 20 }, (_, i) => i + 1);
        assert.deepEqual(
          onSecond.seen.map((e) => e.id),
          ids,
        );
        assert.deepEqual(
          onFirst.seen.map((e) => e.data),
          onSecond.seen.map((e) => e.data),
        );
      });
    }
  });
}
