import { createMemoryTransportPair, ErrorCode, Peer, RpcError, type Transport } from '@tether/core';
import { createServer, MemoryBroker, MemoryPresence, type ServerOptions, type TetherServer } from '@tether/server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Subscriptions,
  TYPING_NOTIFICATION,
  type ChatApi,
  type PresenceEntry,
  type RoomEvent,
  type RoomSummary,
} from '../shared/api.js';
import { ChatErrorCode } from '../shared/errors.js';
import { serveChat } from './chat-service.js';
import { ChatStore, type ChatStoreOptions } from './store/chat-store.js';

/**
 * A real server (its own broker and presence in memory), whose shared Service the test's
 * clients reach over in-memory transports: the chat's handlers without sockets.
 */
const servers: TetherServer[] = [];
async function memoryHost(shared: Pick<ServerOptions<undefined>, 'broker' | 'presence'> = {}): Promise<TetherServer> {
  const server = await createServer({ port: 0, ...shared });
  servers.push(server);
  return server;
}

/** Values pushed to a callback, and a way to wait for one that matches: driven by delivery, no polling. */
function feed<T>() {
  const values: T[] = [];
  const waiters: Array<{ test: (v: T) => boolean; resolve: (v: T) => void }> = [];
  return {
    values,
    push: (value: T) => {
      values.push(value);
      for (const w of waiters.splice(0)) {
        if (w.test(value)) w.resolve(value);
        else waiters.push(w);
      }
    },
    until: (test: (v: T) => boolean) =>
      new Promise<T>((resolve) => {
        const seen = values.find(test);
        if (seen !== undefined) resolve(seen);
        else waiters.push({ test, resolve });
      }),
  };
}

const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await Promise.all(servers.splice(0).map((server) => server.close({ deadline: 0 })));
});

async function setup(
  options: ChatStoreOptions = {},
  shared: Pick<ServerOptions<undefined>, 'broker' | 'presence'> = {},
) {
  const host = await memoryHost(shared);
  const store = new ChatStore(options);
  const served = serveChat(host, store);
  await served.start();
  const peers: Array<Peer<unknown> | Peer<undefined>> = [];
  cleanups.push(() => {
    served.detach();
    store.close();
    for (const peer of peers) peer.close();
  });
  /** A server-side end per connection, so the test can drop it as a network would. */
  const ends = new Map<Peer, Transport>();
  const attach = (client: Peer) => {
    const [a, b] = createMemoryTransportPair();
    peers.push(new Peer({ service: host.service }).attach(a));
    ends.set(client, a);
    client.attach(b);
  };
  const client = () => {
    const peer = new Peer({ persistent: true });
    peers.push(peer);
    attach(peer);
    return { peer, api: peer.remote<ChatApi>() };
  };
  const drop = async (peer: Peer) => {
    const detached = new Promise((resolve) => peer.once('detach', resolve));
    ends.get(peer)?.close(1006, 'dropped');
    await detached;
  };
  return { store, host, client, attach, drop };
}

async function refusal(promise: Promise<unknown>): Promise<RpcError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RpcError)) throw new Error(`expected an RpcError, got ${String(error)}`);
  return error;
}

describe('chat service', () => {
  it("signs people in under unique names and refuses a taken one with the server's message", async () => {
    const { client } = await setup();
    const ada = client();
    const signedIn = await ada.api.session.start({ name: ' Ada ' });
    expect(signedIn).toMatchObject({ name: 'Ada', rooms: [] });
    const taken = await refusal(client().api.session.start({ name: 'ADA' }));
    expect(taken.code).toBe(ChatErrorCode.NameTaken);
    expect(taken.message).toBe('The name "ADA" is taken. Pick another one.');
    const invalid = await refusal(client().api.session.start({ name: '' }));
    expect(invalid.code).toBe(ChatErrorCode.InvalidName);
    const notObject = await refusal(ada.peer.call('session.start', ['Ada']));
    expect(notObject.code).toBe(ErrorCode.InvalidParams);
  });

  it('pushes a message to everyone in the room once, after the history the join returned', async () => {
    const { client } = await setup();
    const ada = client();
    const bob = client();
    const a = await ada.api.session.start({ name: 'Ada' });
    const b = await bob.api.session.start({ name: 'Bob' });
    await ada.api.rooms.join({ session: a.session, room: 'general' });
    await ada.api.messages.send({ session: a.session, room: 'general', id: 'm1', text: 'before Bob' });

    const joined = await bob.api.rooms.join({ session: b.session, room: 'general' });
    expect(joined.history.map((e) => e.event)).toMatchObject([
      { kind: 'joined', name: 'Ada' },
      { kind: 'message', from: 'Ada', text: 'before Bob' },
      { kind: 'joined', name: 'Bob' },
    ]);
    const events = feed<[RoomEvent, number | undefined]>();
    await bob.peer.subscribe<RoomEvent>(
      Subscriptions.messages,
      { session: b.session, room: 'general' },
      { after: joined.lastEventId, onEvent: (e, id) => events.push([e, id]) },
    ).ready;

    const sent = await ada.api.messages.send({ session: a.session, room: 'general', id: 'm2', text: 'hello Bob' });
    const [event, eventId] = await events.until(([e]) => e.kind === 'message');
    expect(event).toMatchObject({ kind: 'message', id: 'm2', from: 'Ada', text: 'hello Bob', room: 'general' });
    expect(eventId).toBe(sent.eventId);
    expect(eventId).toBe(joined.lastEventId + 1);
    expect(events.values).toHaveLength(1);
  });

  it('refuses invalid messages, rooms and sessions with chat codes and clear messages', async () => {
    const { client } = await setup();
    const ada = client();
    const { session } = await ada.api.session.start({ name: 'Ada' });
    await ada.api.rooms.join({ session, room: 'general' });
    const send = (fields: { room?: string; id?: string; text?: string; session?: string }) =>
      refusal(ada.api.messages.send({ session, room: 'general', id: 'x1', text: 'hi', ...fields }));

    expect(await send({ text: '   ' })).toMatchObject({
      code: ChatErrorCode.EmptyMessage,
      message: 'Cannot send an empty message.',
    });
    expect(await send({ text: 'a'.repeat(2001) })).toMatchObject({
      code: ChatErrorCode.MessageTooLong,
      message: 'Message is too long: 2001 characters, the limit is 2000.',
    });
    expect(await send({ room: 'nowhere' })).toMatchObject({
      code: ChatErrorCode.UnknownRoom,
      message: 'There is no room called "nowhere".',
    });
    expect(await send({ room: 'random' })).toMatchObject({ code: ChatErrorCode.NotInRoom });
    expect(await send({ room: 'Bad Room!' })).toMatchObject({ code: ChatErrorCode.InvalidRoomName });
    expect(await send({ id: 'not an id' })).toMatchObject({ code: ChatErrorCode.InvalidMessageId });
    expect(await send({ session: 'forged' })).toMatchObject({ code: ChatErrorCode.SessionExpired });
    expect(await refusal(ada.api.rooms.join({ session, room: 'nowhere' }))).toMatchObject({
      code: ChatErrorCode.UnknownRoom,
    });
    expect(await refusal(ada.api.rooms.join({ session, room: 'No Way', create: true }))).toMatchObject({
      code: ChatErrorCode.InvalidRoomName,
    });
    const sub = ada.peer.subscribe(Subscriptions.messages, { session, room: 'random' });
    expect(await refusal(sub.ready)).toMatchObject({ code: ChatErrorCode.NotInRoom });
  });

  it('posts a message once however often its id is sent, and answers every send alike', async () => {
    const { client, host } = await setup();
    const ada = client();
    const { session } = await ada.api.session.start({ name: 'Ada' });
    const joined = await ada.api.rooms.join({ session, room: 'general' });
    const message = { session, room: 'general', id: 'same-id', text: 'once' };
    const [first, concurrent] = await Promise.all([ada.api.messages.send(message), ada.api.messages.send(message)]);
    const later = await ada.api.messages.send(message);
    expect(concurrent).toEqual(first);
    expect(later).toEqual(first);
    expect((await host.broker.history('room:general', 0)).lastId).toBe(joined.lastEventId + 1);
    // Another sender's id is theirs: the same id from Bob is a different message.
    const bob = client();
    const b = await bob.api.session.start({ name: 'Bob' });
    await bob.api.rooms.join({ session: b.session, room: 'general' });
    const bobs = await bob.api.messages.send({ ...message, session: b.session });
    expect(bobs.eventId).not.toBe(first.eventId);
  });

  it('keeps the room list and presence live, with member counts and away status', async () => {
    const { client, drop } = await setup();
    const ada = client();
    const rooms = feed<RoomSummary[]>();
    const presence = feed<PresenceEntry[]>();
    await ada.peer.subscribe(Subscriptions.rooms, undefined, { onEvent: rooms.push }).ready;
    await ada.peer.subscribe(Subscriptions.presence, undefined, { onEvent: presence.push }).ready;
    await rooms.until((list) => list.some((r) => r.name === 'general' && r.members === 0));

    const a = await ada.api.session.start({ name: 'Ada' });
    const bob = client();
    const b = await bob.api.session.start({ name: 'Bob' });
    await presence.until((list) => list.length === 2 && list.every((p) => p.status === 'online'));

    await bob.api.rooms.join({ session: b.session, room: 'design', create: true });
    await ada.api.rooms.join({ session: a.session, room: 'design' });
    await rooms.until((list) => list.some((r) => r.name === 'design' && r.members === 2));

    await drop(bob.peer);
    await presence.until((list) => list.some((p) => p.name === 'Bob' && p.status === 'away'));
    await ada.api.rooms.leave({ session: a.session, room: 'design' });
    await rooms.until((list) => list.some((r) => r.name === 'design' && r.members === 1));
  });

  it('shows who is typing from notifications, and clears them when they send', async () => {
    const { client } = await setup({ typingTimeoutMs: 60_000 });
    const ada = client();
    const bob = client();
    const a = await ada.api.session.start({ name: 'Ada' });
    const b = await bob.api.session.start({ name: 'Bob' });
    await ada.api.rooms.join({ session: a.session, room: 'general' });
    await bob.api.rooms.join({ session: b.session, room: 'general' });
    const typing = feed<string[]>();
    await ada.peer.subscribe<string[]>(
      Subscriptions.typing,
      { session: a.session, room: 'general' },
      { onEvent: typing.push },
    ).ready;
    await typing.until((names) => names.length === 0);

    expect(bob.peer.notify(TYPING_NOTIFICATION, { session: b.session, room: 'general' })).toBe(true);
    await typing.until((names) => names.join() === 'Bob');
    await bob.api.messages.send({ session: b.session, room: 'general', id: 'b1', text: 'done typing' });
    await typing.until((names) => names.length === 0 && typing.values.length > 2);
    // A notice for a room Bob is not in, or from no session, is ignored.
    bob.peer.notify(TYPING_NOTIFICATION, { session: b.session, room: 'random' });
    bob.peer.notify(TYPING_NOTIFICATION, { session: 'forged', room: 'general' });
    await bob.api.session.resume({ session: b.session }); // a round trip after the notices
    expect(typing.values.at(-1)).toEqual([]);
  });

  it('keeps a session across a reconnect, and resumes its room feed without loss or duplicate', async () => {
    const { client, attach, drop } = await setup();
    const ada = client();
    const bob = client();
    const a = await ada.api.session.start({ name: 'Ada' });
    const b = await bob.api.session.start({ name: 'Bob' });
    await ada.api.rooms.join({ session: a.session, room: 'general' });
    const joined = await bob.api.rooms.join({ session: b.session, room: 'general' });
    const texts = feed<string>();
    await bob.peer.subscribe<RoomEvent>(
      Subscriptions.messages,
      { session: b.session, room: 'general' },
      { after: joined.lastEventId, onEvent: (e) => e.kind === 'message' && texts.push(e.text) },
    ).ready;
    const say = (text: string) => ada.api.messages.send({ session: a.session, room: 'general', id: text, text });

    await say('one');
    await texts.until((t) => t === 'one');
    await drop(bob.peer);
    await say('two'); // while Bob is away
    // Queued while offline, with the session token: the new connection is bound by it.
    const queued = bob.api.messages.send({ session: b.session, room: 'general', id: 'q1', text: 'from the queue' });
    attach(bob.peer);
    await queued;
    await say('three');
    await texts.until((t) => t === 'three');
    expect(texts.values).toEqual(['one', 'two', 'from the queue', 'three']);
    expect(await bob.api.session.resume({ session: b.session })).toMatchObject({ name: 'Bob', rooms: ['general'] });
  });

  it("lets an expired session's rooms know it left", async () => {
    const { client, store, attach, drop } = await setup({ graceMs: 1 });
    const ada = client();
    const bob = client();
    const a = await ada.api.session.start({ name: 'Ada' });
    const b = await bob.api.session.start({ name: 'Bob' });
    await ada.api.rooms.join({ session: a.session, room: 'general' });
    const joined = await bob.api.rooms.join({ session: b.session, room: 'general' });
    const events = feed<RoomEvent>();
    await ada.peer.subscribe<RoomEvent>(
      Subscriptions.messages,
      { session: a.session, room: 'general' },
      { after: joined.lastEventId, onEvent: events.push },
    ).ready;
    const expired = new Promise((resolve) => store.once('expired', resolve));
    await drop(bob.peer);
    await expired;
    await events.until((e) => e.kind === 'left' && e.name === 'Bob');
    attach(bob.peer);
    expect(await refusal(bob.api.session.resume({ session: b.session }))).toMatchObject({
      code: ChatErrorCode.SessionExpired,
    });
  });
});

describe('chat served by two processes sharing a broker and presence', () => {
  /** Two chat servers, each with its own store (its own sessions), sharing what every process must see alike. */
  async function two() {
    const shared = { broker: new MemoryBroker(), presence: new MemoryPresence() };
    const [one, other] = await Promise.all([
      setup({ typingTimeoutMs: 60_000 }, shared),
      setup({ typingTimeoutMs: 60_000 }, shared),
    ]);
    cleanups.push(() => void shared.broker.close());
    return { one, other, shared };
  }

  it('keeps names unique across processes, and lists the same people on both', async () => {
    const { one, other } = await two();
    const ada = one.client();
    await ada.api.session.start({ name: 'Ada' });
    const taken = await refusal(other.client().api.session.start({ name: 'ada' }));
    expect(taken).toMatchObject({
      code: ChatErrorCode.NameTaken,
      message: 'The name "ada" is taken. Pick another one.',
    });
    const bob = other.client();
    await bob.api.session.start({ name: 'Bob' });
    for (const side of [one, other]) {
      const presence = feed<PresenceEntry[]>();
      await side.client().peer.subscribe(Subscriptions.presence, undefined, { onEvent: presence.push }).ready;
      await presence.until((list) => list.map((p) => `${p.name}:${p.status}`).join() === 'Ada:online,Bob:online');
    }
    // Both racing for one name on the two processes: exactly one gets it.
    const race = await Promise.allSettled(
      [one.client(), other.client()].map((c) => c.api.session.start({ name: 'Cy' })),
    );
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('shares rooms, member counts, typing and messages, with history from the broker', async () => {
    const { one, other } = await two();
    const ada = one.client();
    const bob = other.client();
    const a = await ada.api.session.start({ name: 'Ada' });
    const b = await bob.api.session.start({ name: 'Bob' });
    await ada.api.rooms.join({ session: a.session, room: 'design', create: true });
    await ada.api.messages.send({ session: a.session, room: 'design', id: 'm1', text: 'made on one' });
    const rooms = feed<RoomSummary[]>();
    await bob.peer.subscribe(Subscriptions.rooms, undefined, { onEvent: rooms.push }).ready;
    await rooms.until((list) => list.some((r) => r.name === 'design' && r.members === 1));

    const joined = await bob.api.rooms.join({ session: b.session, room: 'design' });
    expect(joined.history.map((e) => e.event)).toMatchObject([
      { kind: 'joined', name: 'Ada' },
      { kind: 'message', text: 'made on one' },
      { kind: 'joined', name: 'Bob' },
    ]);
    await rooms.until((list) => list.some((r) => r.name === 'design' && r.members === 2));

    const typing = feed<string[]>();
    await ada.peer.subscribe<string[]>(
      Subscriptions.typing,
      { session: a.session, room: 'design' },
      { onEvent: typing.push },
    ).ready;
    bob.peer.notify(TYPING_NOTIFICATION, { session: b.session, room: 'design' });
    await typing.until((names) => names.join() === 'Bob');
    await bob.api.messages.send({ session: b.session, room: 'design', id: 'b1', text: 'from the other' });
    await typing.until((names) => names.length === 0 && typing.values.length > 1);
  });

  it("takes a signed-out person off both processes' lists", async () => {
    const { one, other, shared } = await two();
    const ada = one.client();
    const a = await ada.api.session.start({ name: 'Ada' });
    await ada.api.rooms.join({ session: a.session, room: 'general' });
    const presence = feed<PresenceEntry[]>();
    await other.client().peer.subscribe(Subscriptions.presence, undefined, { onEvent: presence.push }).ready;
    await presence.until((list) => list.length === 1);
    await ada.api.session.end({ session: a.session });
    await presence.until((list) => list.length === 0);
    await other.client().api.session.start({ name: 'Ada' });
    // Nothing the first session held is left: only the new Ada's name and connection.
    expect(await shared.presence.list('chat.members')).toEqual([]);
    expect((await shared.presence.list('chat.names')).map((e) => e.key)).toEqual(['ada']);
  });

  it('lets a page whose session a restart lost take its name back before the dead hold expires', async () => {
    const { one, other, shared } = await two();
    const { session: lost } = await one.client().api.session.start({ name: 'Ada' });
    // `one` stands for the killed process: its hold on the name lives on until its ttl.
    const page = other.client();
    expect(await refusal(page.api.session.start({ name: 'Ada' }))).toMatchObject({ code: ChatErrorCode.NameTaken });
    expect(await refusal(page.api.session.start({ name: 'Ada', previous: 'forged' }))).toMatchObject({
      code: ChatErrorCode.NameTaken,
    });
    const back = await page.api.session.start({ name: 'Ada', previous: lost });
    expect(back).toMatchObject({ name: 'Ada', rooms: [] });
    expect(back.session).not.toBe(lost);
    expect((await shared.presence.list('chat.names')).map((e) => e.key)).toEqual(['ada']);
  });
});
