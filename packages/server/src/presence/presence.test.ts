import { describe, expect, it } from 'vitest';
import type { CallContext, Peer } from '@tether/core';
import { MemoryBroker } from '../broker/memory-broker.js';
import { connectPeer, useServers } from '../test-support.js';
import { MemoryPresence } from './memory-presence.js';
import type { PresenceChange } from './presence-store.js';

const start = useServers();

/** Two servers sharing one broker and one presence store, as two nodes would; each tracks `join(key)` callers. */
async function twoNodes() {
  const broker = new MemoryBroker();
  const presence = new MemoryPresence();
  const nodes = await Promise.all([start({ port: 0, broker, presence }), start({ port: 0, broker, presence })]);
  for (const server of nodes) {
    server.register('join', async function (this: CallContext<undefined>, key: unknown) {
      await server.presence('lobby').track(String(key), { key }, { connection: this.peer });
      return true;
    });
    server.subscription('lobby', () => server.presence('lobby').stream());
  }
  return { nodes, presence };
}

/** A client subscribed to the lobby's changes; `until(n)` resolves once n have arrived. */
async function watch(url: string) {
  const client = await connectPeer(url);
  const seen: PresenceChange[] = [];
  const waits: Array<{ n: number; resolve: () => void }> = [];
  await client.subscribe<PresenceChange>('lobby', undefined, {
    onEvent: (change) => {
      seen.push(change);
      for (const w of waits) if (seen.length >= w.n) w.resolve();
    },
  }).ready;
  const until = (n: number) =>
    new Promise<void>((resolve) => (seen.length >= n ? resolve() : waits.push({ n, resolve })));
  return { client, seen, until, summary: () => seen.map((c) => `${c.kind} ${c.key}`) };
}

const closing = (peer: Peer<unknown>) =>
  new Promise<void>((resolve) => (peer.once('close', () => resolve()), peer.close()));

describe('server presence', () => {
  it('lists a connection tracked on one node on the other, and announces its leave when it closes', async () => {
    const { nodes, presence } = await twoNodes();
    const [a, b] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[1]>];
    const watcher = await watch(b.url);
    const ada = await connectPeer(a.url);
    await ada.call('join', ['ada']);
    expect(await b.presence('lobby').list()).toEqual([{ key: 'ada', meta: { key: 'ada' } }]);
    await closing(ada);
    await watcher.until(2);
    expect(watcher.summary()).toEqual(['join ada', 'leave ada']);
    expect(await b.presence('lobby').list()).toEqual([]);
    expect(presence.size).toBe(0);
    watcher.client.close();
  });

  it('keeps one entry for a client that reconnected to another node before its old connection closed', async () => {
    const { nodes } = await twoNodes();
    const [a, b] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[1]>];
    const watcher = await watch(a.url);
    const old = await connectPeer(a.url);
    await old.call('join', ['ada']);
    const fresh = await connectPeer(b.url);
    await fresh.call('join', ['ada']);
    expect(await a.presence('lobby').list()).toHaveLength(1);
    await closing(old);
    expect(await b.presence('lobby').list()).toHaveLength(1);
    await closing(fresh);
    await watcher.until(2);
    expect(watcher.summary()).toEqual(['join ada', 'leave ada']);
    watcher.client.close();
  });

  it('resumes the change stream after the last id seen, as topics do', async () => {
    const server = await start({ port: 0 });
    const lobby = server.presence('lobby');
    server.subscription('lobby', () => lobby.stream());
    const first = await lobby.track('ada', 1);
    const bob = await lobby.track('bob', 2);
    const again = await lobby.track('bob', 2);
    expect([first.joined, bob.joined, again.joined]).toEqual([true, true, false]);
    await again.untrack();
    await bob.untrack();
    await first.update(3);
    const client = await connectPeer(server.url);
    const seen: Array<[PresenceChange, number | undefined]> = [];
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await client.subscribe<PresenceChange>('lobby', undefined, {
      after: 1,
      onEvent: (change, id) => {
        seen.push([change, id]);
        if (seen.length === 3) done();
      },
    }).ready;
    await all;
    expect(seen).toEqual([
      [{ kind: 'join', key: 'bob', meta: 2 }, 2],
      [{ kind: 'leave', key: 'bob', meta: 2 }, 3],
      [{ kind: 'update', key: 'ada', meta: 3 }, 4],
    ]);
    client.close();
  });

  it('releases every hold made through it when the server closes, announcing the leaves', async () => {
    const broker = new MemoryBroker();
    const presence = new MemoryPresence();
    const server = await start({ port: 0, broker, presence });
    await server.presence('lobby').track('kept', 'by a handle');
    const client = await connectPeer(server.url);
    server.register('join', async function (this: CallContext<undefined>) {
      await server.presence('lobby').track('conn', 'by a connection', { connection: this.peer });
      return true;
    });
    await client.call('join');
    expect(presence.size).toBe(1);
    await server.close({ deadline: 0 });
    expect(presence.size).toBe(0);
    const history = await broker.history('tether.presence:lobby', 0);
    expect(history.events.map((e) => (e.data as PresenceChange).kind).sort()).toEqual([
      'join',
      'join',
      'leave',
      'leave',
    ]);
  });

  it('releases a hold whose connection closed before the track finished', async () => {
    const presence = new MemoryPresence();
    const server = await start({ port: 0, presence });
    const client = await connectPeer(server.url);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tracked = new Promise<void>((resolve) => {
      server.register('join', async function (this: CallContext<undefined>) {
        await gate;
        await server.presence('lobby').track('late', 1, { connection: this.peer });
        resolve();
      });
    });
    void client.call('join').catch(() => undefined);
    const disconnected = new Promise<void>((resolve) => server.once('disconnect', () => resolve()));
    client.close();
    await disconnected;
    release();
    await tracked;
    expect(await server.presence('lobby').list()).toEqual([]);
    expect(presence.size).toBe(0);
  });
});
