import { afterEach, describe, expect, it } from 'vitest';
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
export function describePresence(name: string, backend: PresenceBackend): void {
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
      expect(await store.track('room', 'ada', 'n1/1', { name: 'Ada' })).toEqual({ kind: 'join', key: 'ada', meta: { name: 'Ada' } });
      expect(await store.track('room', 'ada', 'n1/2', { name: 'Ada' })).toBeUndefined();
      expect(await store.list('room')).toEqual([{ key: 'ada', meta: { name: 'Ada' } }]);
      expect(await store.untrack('room', 'ada', 'n1/1')).toBeUndefined();
      expect(await store.list('room')).toHaveLength(1);
      expect(await store.untrack('room', 'ada', 'n1/2')).toEqual({ kind: 'leave', key: 'ada', meta: { name: 'Ada' } });
      expect(await store.list('room')).toEqual([]);
    });

    it('announces a change of metadata as an update, and a repeat as nothing', async () => {
      const store = await create();
      await store.track('room', 'ada', 'n1/1', { status: 'online' });
      expect(await store.track('room', 'ada', 'n1/1', { status: 'online' })).toBeUndefined();
      expect(await store.track('room', 'ada', 'n1/1', { status: 'busy' })).toEqual({
        kind: 'update',
        key: 'ada',
        meta: { status: 'busy' },
      });
      expect(await store.list('room')).toEqual([{ key: 'ada', meta: { status: 'busy' } }]);
    });

    it('ignores an untrack of a holder that holds nothing, and keeps topics apart', async () => {
      const store = await create();
      await store.track('a', 'ada', 'n1/1', 1);
      await store.track('b', 'bob', 'n1/1', 2);
      expect(await store.untrack('a', 'ada', 'n1/9')).toBeUndefined();
      expect(await store.untrack('a', 'bob', 'n1/1')).toBeUndefined();
      expect(await store.untrack('nowhere', 'ada', 'n1/1')).toBeUndefined();
      expect(await store.list('a')).toEqual([{ key: 'ada', meta: 1 }]);
      expect(await store.list('b')).toEqual([{ key: 'bob', meta: 2 }]);
      expect(await store.list('nowhere')).toEqual([]);
    });

    it('keeps keys that look alike apart, and metadata of any JSON shape', async () => {
      const store = await create();
      const keys = ['a', 'A', 'a b', 'a\nb', 'ü', '{x}'];
      for (const [i, key] of keys.entries()) await store.track('shapes', key, 'n1/1', { i, nested: [null, 'x'] });
      const listed = await store.list('shapes');
      expect(listed.map((e) => e.key).sort()).toEqual([...keys].sort());
      expect(listed.find((e) => e.key === 'a\nb')?.meta).toEqual({ i: 3, nested: [null, 'x'] });
    });

    it('lists a key held on one node on every node, once however many nodes hold it', async () => {
      const first = await create();
      const second = await peerOf(first);
      expect((await first.track('room', 'ada', 'n1/1', { on: 1 }))?.kind).toBe('join');
      expect(await second.list('room')).toEqual([{ key: 'ada', meta: { on: 1 } }]);
      // The client reconnected to the other node before the first noticed its old connection close.
      expect(await second.track('room', 'ada', 'n2/1', { on: 1 })).toBeUndefined();
      expect(await first.untrack('room', 'ada', 'n1/1')).toBeUndefined();
      expect(await first.list('room')).toEqual([{ key: 'ada', meta: { on: 1 } }]);
      expect((await second.untrack('room', 'ada', 'n2/1'))?.kind).toBe('leave');
      expect(await first.list('room')).toEqual([]);
    });

    it('decides a race for the same key on two nodes with exactly one join', async () => {
      const first = await create();
      const second = await peerOf(first);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).track('race', 'ada', `n${i % 2}/${i}`, 'x')),
      );
      expect(results.filter((r) => r?.kind === 'join')).toHaveLength(1);
      const left = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? second : first).untrack('race', 'ada', `n${i % 2}/${i}`)),
      );
      expect(left.filter((r) => r?.kind === 'leave')).toHaveLength(1);
      expect(await first.list('race')).toEqual([]);
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
        expect(Date.now() - started).toBeLessThan(ttl * 3);
        expect(sortByKey(await survivor.list('room'))).toEqual([{ key: 'ada', meta: { name: 'Ada' } }]);
        expect(await other.list('hall')).toEqual([]);
        expect(announced.map((a) => `${a.topic} ${a.change.kind} ${a.change.key}`).sort()).toEqual([
          'hall leave ghost',
          'room leave ghost',
        ]);
        expect(announced.find((a) => a.change.key === 'ghost')?.change.meta).toEqual({ name: 'Ghost' });
      });

      it('keeps the holders of a live node listed past the ttl', async () => {
        const store = await create();
        await store.track('room', 'ada', 'n1/1', 'here');
        const peer = await peerOf(store);
        const until = Date.now() + ttl * 2;
        // Bounded by time: the refresh must keep the entry through several ttls.
        while (Date.now() < until) {
          expect(await peer.list('room')).toEqual([{ key: 'ada', meta: 'here' }]);
          await new Promise((resolve) => setTimeout(resolve, ttl / 4));
        }
      });
    }
  });
}
