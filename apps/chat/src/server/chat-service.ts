import { ErrorCode, RpcError, type CallContext, type EventStream, type Handler, type SubscriptionHandler } from '@tether/core';
import {
  Subscriptions,
  TYPING_NOTIFICATION,
  type JoinResult,
  type RoomEvent,
  type SendResult,
  type SessionInfo,
} from '../shared/api.js';
import type { Checked } from '../shared/errors.js';
import { checkMessageId, checkMessageText, checkName, checkRoomName } from '../shared/validation.js';
import { snapshotStream } from './snapshot-stream.js';
import type { ChatStore } from './store/chat-store.js';
import type { Session } from './store/sessions.js';

/**
 * The parts of a Tether server the chat is served through: methods, subscriptions, and topics.
 * `TetherServer` has them all; naming only these keeps the chat on the public API.
 */
export interface ChatHost<Ctx> {
  register(name: string, handler: Handler<Ctx>): unknown;
  subscription(name: string, handler: SubscriptionHandler<Ctx>): unknown;
  topic(name: string): EventStream;
  publish(topic: string, data: unknown): Promise<number>;
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

const info = (session: Session): SessionInfo => ({ session: session.id, name: session.name, rooms: [...session.rooms] });

/**
 * Serves the chat on `host` from `store`. Returns a function that detaches it from the store,
 * for when the server closes (the store may then be served by the next one).
 */
export function serveChat<Ctx>(host: ChatHost<Ctx>, store: ChatStore): () => void {
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
  };

  /** The session a call speaks for, bound to the call's connection. */
  const sessionOf = (call: CallContext<Ctx>, input: Record<string, unknown>) => {
    const session = must(store.session(input['session']));
    bind(call.peer, session);
    return session;
  };

  const publishRoom = async (room: string, event: RoomEvent): Promise<number> => {
    const eventId = await host.publish(roomTopic(room), event);
    store.record(room, { eventId, event });
    return eventId;
  };

  const membership = (kind: 'joined' | 'left', room: string, name: string) =>
    publishRoom(room, { kind, room, name, at: Date.now() });

  const register = (name: string, handler: (this: CallContext<Ctx>, input: Record<string, unknown>) => unknown) =>
    host.register(name, function (this: CallContext<Ctx>, raw: unknown) {
      return handler.call(this, fields(raw));
    });

  register('session.start', function (input): SessionInfo {
    const session = must(store.sessions.start(must(checkName(input['name']))));
    bind(this.peer, session);
    return info(session);
  });

  register('session.resume', function (input): SessionInfo {
    return info(sessionOf(this, input));
  });

  register('session.end', async function (input): Promise<boolean> {
    const session = sessionOf(this, input);
    bound.delete(this.peer);
    const rooms = store.end(session);
    await Promise.all(rooms.map((room) => membership('left', room, session.name)));
    return true;
  });

  register('rooms.join', async function (input): Promise<JoinResult> {
    const session = sessionOf(this, input);
    const room = must(checkRoomName(input['room']));
    const isNew = must(store.join(session, room, input['create'] === true));
    if (isNew) await membership('joined', room, session.name);
    return must(store.rooms.recent(room));
  });

  register('rooms.leave', async function (input): Promise<boolean> {
    const session = sessionOf(this, input);
    const room = must(checkRoomName(input['room']));
    const left = store.leave(session, room);
    if (left) await membership('left', room, session.name);
    return left;
  });

  register('messages.send', function (input): Promise<SendResult> {
    const session = sessionOf(this, input);
    const room = must(store.member(session, must(checkRoomName(input['room']))));
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
    if (!session || typeof room !== 'string' || !store.member(session, room).ok) return;
    bind(this.peer, session);
    store.typing.touch(room, session.name);
  });

  host.subscription(Subscriptions.rooms, () => snapshotStream(store, 'rooms', () => store.rooms.list()));
  host.subscription(Subscriptions.presence, () => snapshotStream(store, 'presence', () => store.sessions.presence()));

  /** A room's subscriptions are for its members; the session is bound as for a call. */
  const memberRoom = (call: CallContext<Ctx>, raw: unknown) => {
    const input = fields(raw);
    const session = sessionOf(call, input);
    return must(store.member(session, must(checkRoomName(input['room']))));
  };

  host.subscription(Subscriptions.messages, function (this: CallContext<Ctx>, raw: unknown) {
    return host.topic(roomTopic(memberRoom(this, raw)));
  });

  host.subscription(Subscriptions.typing, function (this: CallContext<Ctx>, raw: unknown) {
    const room = memberRoom(this, raw);
    return snapshotStream(store, 'typing', () => store.typing.typing(room), (changed) => changed === room);
  });

  const onExpired = (name: string, rooms: string[]) => {
    // Best effort: with no topic to publish on, the membership change still shows in the room list.
    for (const room of rooms) membership('left', room, name).catch(() => undefined);
  };
  store.on('expired', onExpired);
  return () => store.off('expired', onExpired);
}
