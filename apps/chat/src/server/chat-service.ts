import {
  ErrorCode,
  RpcError,
  type CallContext,
  type EventStream,
  type Handler,
  type SubscriptionsImplementation,
} from '@tether/core';
import type { HistorySlice, Presence } from '@tether/server';
import {
  TYPING_NOTIFICATION,
  type ChatSubscriptions,
  type HistoryEntry,
  type JoinResult,
  type RoomEvent,
  type SendResult,
  type SessionInfo,
} from '../shared/api.js';
import { ChatErrorCode, ok, refuse, type Checked } from '../shared/errors.js';
import { Limits } from '../shared/limits.js';
import { checkMessageId, checkMessageText, checkName, checkRoomName } from '../shared/validation.js';
import { SharedChat } from './shared/shared-chat.js';
import { snapshotStream } from './snapshot-stream.js';
import type { ChatStore } from './store/chat-store.js';
import type { Session } from './store/sessions.js';

/**
 * The parts of a Tether server the chat is served through: methods, subscriptions, topics and
 * their history, and presence. `TetherServer` has them all; naming only these keeps the chat
 * on the public API.
 */
export interface ChatHost<Ctx> {
  register(name: string, handler: Handler<Ctx>): unknown;
  subscriptions<C>(implementation: SubscriptionsImplementation<C, Ctx>): unknown;
  topic(name: string): EventStream;
  publish(topic: string, data: unknown): Promise<number>;
  presence(topic: string): Presence;
  readonly broker: { history(topic: string, afterId: number): Promise<HistorySlice> };
}

/** The topic a room's events are published on. */
export const roomTopic = (room: string): string => `room:${room}`;

/** Throws a refused outcome as the handler's answer: the API edge where error values become throws. */
function must<T>(checked: Checked<T>): T {
  if (!checked.ok) throw checked.error;
  return checked.value;
}

/** Every chat call takes one object param. */
function fields(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RpcError(ErrorCode.InvalidParams, 'Invalid params: expected one object');
  }
  return raw as Record<string, unknown>;
}

const info = (session: Session): SessionInfo => ({
  session: session.id,
  name: session.name,
  rooms: [...session.rooms],
});

const nameTaken = (name: string) =>
  refuse(ChatErrorCode.NameTaken, `The name "${name}" is taken. Pick another one.`, { name });

/** A served chat, for the server that serves it to drive. */
export interface ServedChat {
  /**
   * Reads the shared state and gives the store's sessions (from a server this one replaces)
   * their names and rooms back. Rejects when the shared state cannot be reached; call it
   * again once it can, or at any time (what is done is not done twice).
   */
  start(): Promise<void>;
  /** Says whether the shared state can be reached; back to true, the lists are read again. */
  setOk(ok: boolean): void;
  /** Detaches from the store (which the next server may serve) and stops following shared state. */
  detach(): void;
}

/** Options for `serveChat`. */
export interface ServeChatOptions {
  /** What names, presence and history are shared through, for the page. Default: null (this process's memory). */
  sharedThrough?: string | null;
}

/**
 * Serves the chat on `host` from `store`. Sessions the store already holds (from a server
 * this one replaces) take their names and rooms back.
 */
export function serveChat<Ctx>(host: ChatHost<Ctx>, store: ChatStore, options: ServeChatOptions = {}): ServedChat {
  const shared = new SharedChat(host, store.defaultRooms, options.sharedThrough ?? null);
  /** Which session each connection speaks for: a session is online while one is bound to it. */
  const bound = new WeakMap<object, Session>();

  const bind = (peer: CallContext<Ctx>['peer'], session: Session) => {
    const current = bound.get(peer);
    if (current === session) return;
    if (current) store.sessions.disconnect(current, peer);
    else {
      peer.once('close', () => {
        const last = bound.get(peer);
        bound.delete(peer);
        if (last) store.sessions.disconnect(last, peer);
      });
    }
    bound.set(peer, session);
    store.sessions.connect(session, peer);
    shared.bind(peer, session);
  };

  /** The session a call speaks for, bound to the call's connection. */
  const sessionOf = (call: CallContext<Ctx>, input: Record<string, unknown>) => {
    const session = must(store.session(input['session']));
    bind(call.peer, session);
    return session;
  };

  const member = (session: Session, room: string): Checked<string> => {
    if (!shared.catalog.has(room))
      return refuse(ChatErrorCode.UnknownRoom, `There is no room called "${room}".`, { room });
    if (!session.rooms.has(room))
      return refuse(ChatErrorCode.NotInRoom, `Join "${room}" before posting in it.`, { room });
    return ok(room);
  };

  const publishRoom = (room: string, event: RoomEvent): Promise<number> => host.publish(roomTopic(room), event);

  const membership = (kind: 'joined' | 'left', room: string, name: string) =>
    publishRoom(room, { kind, room, name, at: Date.now() });

  /** A room's recent events, from the broker's history: the same on every process, and kept across restarts with Redis. */
  const recent = async (room: string): Promise<JoinResult> => {
    const slice = await host.broker.history(roomTopic(room), 0);
    const history: HistoryEntry[] = slice.events
      .slice(-Limits.history)
      .map((e) => ({ eventId: e.id, event: e.data as RoomEvent }));
    const joined: JoinResult = { room, history, lastEventId: slice.lastId };
    if (slice.epoch !== undefined) joined.epoch = slice.epoch;
    return joined;
  };

  /** Signs a session out everywhere: its rooms hear it left. */
  const finish = async (session: Session, rooms: string[]) => {
    await shared.release(session);
    await Promise.all(rooms.map((room) => membership('left', room, session.name)));
  };

  const register = (name: string, handler: (this: CallContext<Ctx>, input: Record<string, unknown>) => unknown) =>
    host.register(name, function (this: CallContext<Ctx>, raw: unknown) {
      return handler.call(this, fields(raw));
    });

  register('session.start', async function (input): Promise<SessionInfo> {
    const name = must(checkName(input['name']));
    const session = must(store.sessions.start(name));
    const previous = typeof input['previous'] === 'string' ? input['previous'] : undefined;
    let claimed = false;
    try {
      claimed = await shared.claim(session, previous);
    } finally {
      if (!claimed) store.sessions.end(session);
    }
    if (!claimed) must(nameTaken(name));
    bind(this.peer, session);
    return info(session);
  });

  register('session.resume', function (input): SessionInfo {
    return info(sessionOf(this, input));
  });

  register('session.end', async function (input): Promise<boolean> {
    const session = sessionOf(this, input);
    bound.delete(this.peer);
    shared.bind(this.peer, undefined);
    await finish(session, store.end(session));
    return true;
  });

  register('rooms.join', async function (input): Promise<JoinResult> {
    const session = sessionOf(this, input);
    const room = must(checkRoomName(input['room']));
    if (!shared.catalog.has(room)) {
      if (input['create'] !== true)
        must(refuse(ChatErrorCode.UnknownRoom, `There is no room called "${room}".`, { room }));
      must(await shared.catalog.create(room));
    }
    const isNew = !session.rooms.has(room);
    session.rooms.add(room);
    await shared.enter(session, room);
    if (isNew) await membership('joined', room, session.name);
    return recent(room);
  });

  register('rooms.leave', async function (input): Promise<boolean> {
    const session = sessionOf(this, input);
    const room = must(checkRoomName(input['room']));
    const left = store.leave(session, room);
    await shared.exit(session, room);
    if (left) await membership('left', room, session.name);
    return left;
  });

  register('messages.send', function (input): Promise<SendResult> {
    const session = sessionOf(this, input);
    const room = must(member(session, must(checkRoomName(input['room']))));
    const id = must(checkMessageId(input['id']));
    const text = must(checkMessageText(input['text']));
    store.typing.clear(room, session.name);
    return store.sendOnce(room, session, id, async () => {
      const at = Date.now();
      const eventId = await publishRoom(room, { kind: 'message', id, room, from: session.name, text, at });
      return { eventId, at };
    });
  });

  // A notification: no one waits for an answer, so a stale or foreign one is just ignored.
  host.register(TYPING_NOTIFICATION, function (this: CallContext<Ctx>, raw: unknown) {
    if (typeof raw !== 'object' || raw === null) return;
    const { session: token, room } = raw as Record<string, unknown>;
    const session = store.sessions.get(token);
    if (!session || typeof room !== 'string' || !member(session, room).ok) return;
    bind(this.peer, session);
    store.typing.touch(room, session.name);
  });

  /** A room's subscriptions are for its members; the session is bound as for a call. */
  const memberRoom = (call: CallContext<Ctx>, raw: unknown) => {
    const input = fields(raw);
    const session = sessionOf(call, input);
    return must(member(session, must(checkRoomName(input['room']))));
  };

  // Checked against the shared contract: a handler returning the wrong events does not compile.
  host.subscriptions<ChatSubscriptions>({
    rooms: () => snapshotStream(shared, 'rooms', () => shared.rooms()),
    presence: () => snapshotStream(shared, 'presence', () => shared.presence()),
    status: () => snapshotStream(shared, 'status', () => shared.status),
    room: {
      messages(raw) {
        return host.topic(roomTopic(memberRoom(this, raw)));
      },
      typing(raw) {
        const room = memberRoom(this, raw);
        return snapshotStream(shared, 'typing', () => shared.typingIn(room));
      },
    },
  });

  const onTyping = (room: string, name: string, typing: boolean) => shared.setTyping(room, name, typing);
  // Best effort: with the shared store away, the name and memberships expire there on their own.
  const onExpired = (session: Session, rooms: string[]) => void finish(session, rooms).catch(() => undefined);
  store.on('typing', onTyping);
  store.on('expired', onExpired);
  let starting: Promise<void> | undefined;
  let started = false;
  return {
    start: () => {
      if (started) return Promise.resolve();
      starting ??= (async () => {
        await shared.start();
        await Promise.all(store.sessions.all().map((session) => shared.restore(session)));
        started = true;
      })().finally(() => (starting = undefined));
      return starting;
    },
    setOk: (ok) => {
      if (ok && !shared.status.ok) shared.refresh();
      shared.setOk(ok);
    },
    detach: () => {
      store.off('typing', onTyping);
      store.off('expired', onExpired);
      shared.close();
    },
  };
}
