import assert from 'node:assert/strict';
import type { TestRunner } from './broker-conformance.js';
import type { PresenceChange, PresenceEntry, PresenceStore } from '../presence/presence-store.js';

/** How a conformance run makes its stores. */
export interface PresenceBackend {
  /** A fresh store on a backend of its own. */
  make(): Promise<PresenceStore>;
  /** A second store sharing `first`'s backend, as another node would (the same instance for in-memory). */
  peer(first: PresenceStore): Promise<PresenceStore>;
  /**
   * Kills a store as SIGKILL would its process: no untrack, no more refreshes. Only for
   * backends shared between processes; their holders must then expire within `ttl` ms.
   */
  crash?: (store: PresenceStore) => Promise<void>;
  /** The expiry the backend was configured with, in ms (for `crash`). */
  ttl?: number;
}

const sortByKey = (entries: PresenceEntry[]) => [...entries].sort((a, b) => a.key.localeCompare(b.key));

/**
 * The behaviour every PresenceStore owes a server, run against each implementation (in-memory,
 * Redis), as `describeBroker` is for brokers.
 */
export function describePresence(runner: TestRunner, name: string, backend: PresenceBackend): void {
  const { describe, it, afterEach } = runner;
  describe(`${name} presence conformance`, () => {
    const open: PresenceStore[] = [];
    const create = async () => {
      const store = await backend.make();
      open.push(store);
      return store;
    };
    const peerOf = async (first: PresenceStore) => {
      const store = await backend.peer(first);
      if (store !== first) open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('announces a join for the first holder only, and a leave for the last', async () => {
      const store = await create();
      assert.deepEqual(await store.track('room', 'ada', 'n1/1', { name: 'Ada' }), {
        kind: 'join',
        key: 'ada',
        meta: { name: 'Ada' },
      });
      assert.equal(await store.track('room', 'ada', 'n1/2', { name: 'Ada' }), undefined);
      assert.deepEqual(await store.list('room'), [{ key: 'ada', meta: { name: 'Ada' } }]);
      assert.equal(await store.untrack('room', 'ada', 'n1/1'), undefined);
      assert.equal((await store.list('room')).length, 1);
      assert.deepEqual(await store.untrack('room', 'ada', 'n1/2'), {
        kind: 'leave',
        key: 'ada',
        meta: { name: 'Ada' },
      });
      assert.deepEqual(await store.list('room'), []);
    });

    it('announces a change of metadata as an update, and a repeat as nothing', async () => {
      const store = await create();
      await store.track('room', 'ada', 'n1/1', { status: 'online' });
      assert.equal(await store.track('room', 'ada', 'n1/1', { status: 'online' }), undefined);
      assert.deepEqual(await store.track('room', 'ada', 'n1/1', { status: 'busy' }), {
        kind: 'update',
        key: 'ada',
        meta: { status: 'busy' },
      });
      assert.deepEqual(await store.list('room'), [{ key: 'ada', meta: { status: 'busy' } }]);
    });

    it('ignores an untrack of a holder that holds nothing, and keeps topics apart', async () => {
      const store = await create();
      await store.track('a', 'ada', 'n1/1', 1);
      await store.track('b', 'bob', 'n1/1', 2);
      assert.equal(await store.untrack('a', 'ada', 'n1/9'), undefined);
      assert.equal(await store.untrack('a', 'bob', 'n1/1'), undefined);
      assert.equal(await store.untrack('nowhere', 'ada', 'n1/1'), undefined);
      assert.deepEqual(await store.list('a'), [{ key: 'ada', meta: 1 }]);
      assert.deepEqual(await store.list('b'), [{ key: 'bob', meta: 2 }]);
      assert.deepEqual(await store.list('nowhere'), []);
    });

    it('keeps keys that look alike apart, and metadata of any JSON shape', async () => {
      const store = await create();
      const keys = ['a', 'A', 'a b', 'a\nb', 'ü', '{x}'];
      for (const [i, key] of keys.entries()) await store.track('shapes', key, 'n1/1', { i, nested: [null, 'x'] });
      const listed = await store.list('shapes');
      assert.deepEqual(listed.map((e) => e.key).sort(), [...keys].sort());
      assert.deepEqual(listed.find((e) => e.key === 'a\nb')?.meta, { i: 3, nested: [null, 'x'] });
    });

    it('lists a key held on one node on every node, once however many nodes hold it', async () => {
      const first = await create();
      const second = await peerOf(first);
      assert.equal((await first.track('room', 'ada', 'n1/1', { on: 1 }))?.kind, 'join');
      assert.deepEqual(await second.list('room'), [{ key: 'ada', meta: { on: 1 } }]);
      // The client reconnected to the other node before the first noticed its old connection close.
      assert.equal(await second.track('room', 'ada', 'n2/1', { on: 1 }), undefined);
      assert.equal(await first.untrack('room', 'ada', 'n1/1'), undefined);
      assert.deepEqual(await first.list('room'), [{ key: 'ada', meta: { on: 1 } }]);
      assert.equal((await second.untrack('room', 'ada', 'n2/1'))?.kind, 'leave');
      assert.deepEqual(await first.list('room'), []);
    });

    it('decides a race for the same key on two nodes with exactly one join', async () => {
      const first = await create();
      const second = await peerOf(first);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).track('race', 'ada', `n${i % 2}/${i}`, 'x')),
      );
      assert.equal(results.filter((r) => r?.kind === 'join').length, 1);
      const left = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? second : first).untrack('race', 'ada', `n${i % 2}/${i}`)),
      );
      assert.equal(left.filter((r) => r?.kind === 'leave').length, 1);
      assert.deepEqual(await first.list('race'), []);
    });

    if (backend.crash) {
      const crash = backend.crash;
      const ttl = backend.ttl ?? 1000;
      it('drops the holders of a node that died within the ttl, and one survivor announces each leave', async () => {
        const survivor = await create();
        const other = await peerOf(survivor);
        const dying = await peerOf(survivor);
        const announced: Array<{ topic: string; change: PresenceChange; by: string }> = [];
        let resolveLeaves!: () => void;
        const leaves = new Promise<void>((resolve) => (resolveLeaves = resolve));
        const record = (by: string) => (topic: string, change: PresenceChange) => {
          announced.push({ topic, change, by });
          if (announced.filter((a) => a.change.kind === 'leave').length === 2) resolveLeaves();
        };
        survivor.onChange(record('survivor'));
        other.onChange(record('other'));
        await dying.track('room', 'ghost', 'n3/1', { name: 'Ghost' });
        await dying.track('hall', 'ghost', 'n3/1', { name: 'Ghost' });
        await dying.track('room', 'ada', 'n3/2', { name: 'Ada' });
        // Ada reconnected to the survivor: her entry must outlive the dead node.
        await survivor.track('room', 'ada', 'n1/1', { name: 'Ada' });
        const started = Date.now();
        await crash(dying);
        await leaves;
        // Listing stops showing them within the ttl; the sweep that announces runs a little after.
        assert.ok(Date.now() - started < ttl * 3, `took ${Date.now() - started} ms, not under ttl * 3`);
        assert.deepEqual(sortByKey(await survivor.list('room')), [{ key: 'ada', meta: { name: 'Ada' } }]);
        assert.deepEqual(await other.list('hall'), []);
        assert.deepEqual(announced.map((a) => `${a.topic} ${a.change.kind} ${a.change.key}`).sort(), [
          'hall leave ghost',
          'room leave ghost',
        ]);
        assert.deepEqual(announced.find((a) => a.change.key === 'ghost')?.change.meta, { name: 'Ghost' });
      });

      it('keeps the holders of a live node listed past the ttl', async () => {
        const store = await create();
        await store.track('room', 'ada', 'n1/1', 'here');
        const peer = await peerOf(store);
        const until = Date.now() + ttl * 2;
        // Bounded by time: the refresh must keep the entry through several ttls.
        while (Date.now() < until) {
          assert.deepEqual(await peer.list('room'), [{ key: 'ada', meta: 'here' }]);
          await new Promise((resolve) => setTimeout(resolve, ttl / 4));
        }
      });
    }
  });
}
