import { EventEmitter } from 'node:events';
import type { HistoryEntry, SendResult } from '../../shared/api.js';
import { ChatErrorCode, ok, refuse, type Checked } from '../../shared/errors.js';
import { Limits } from '../../shared/limits.js';
import { RecentIds } from './recent-ids.js';
import { Rooms } from './rooms.js';
import { Sessions, type Session } from './sessions.js';
import { TypingTracker } from './typing.js';

/** Options for the chat's state; the defaults suit the demo. */
export interface ChatStoreOptions {
  /** How long a session with no connection keeps its name and rooms, in ms. Default 30000. */
  graceMs?: number;
  /** How long a typing notice lasts, in ms. Default 4000. */
  typingTimeoutMs?: number;
  /** Rooms that exist from the start. Default ['general', 'random']. */
  defaultRooms?: readonly string[];
  /** Message ids remembered for de-duplication. Default 10000. */
  rememberedIds?: number;
  /** Makes session tokens. Default crypto.randomUUID. */
  newSessionId?: () => string;
}

/** What the store tells the server serving it. */
export interface ChatStoreEvents {
  /** The room list or a member count changed. */
  rooms: [];
  /** The presence list changed. */
  presence: [];
  /** The names typing in `room` changed. */
  typing: [room: string];
  /** A session ran out of grace: `name` has left `rooms`. */
  expired: [name: string, rooms: string[]];
}

/**
 * The chat's state: sessions, rooms with their members and recent history, typing notices,
 * and the message ids already posted. It lives outside any WebSocket server so that a server
 * restart in the same process finds everyone's rooms, history and ids where they were.
 */
export class ChatStore extends EventEmitter<ChatStoreEvents> {
  readonly sessions: Sessions;
  readonly rooms: Rooms;
  readonly typing: TypingTracker;
  /** Sends by `room, session, id`: a repeated id gets the first send's answer. */
  private readonly sent: RecentIds<Promise<SendResult>>;

  constructor(options: ChatStoreOptions = {}) {
    super();
    this.sessions = new Sessions({
      graceMs: options.graceMs ?? 30_000,
      newId: options.newSessionId ?? (() => crypto.randomUUID()),
      onChange: () => this.emit('presence'),
      onExpire: (session) => this.expire(session),
    });
    this.rooms = new Rooms({
      defaults: options.defaultRooms ?? ['general', 'random'],
      maxRooms: Limits.rooms,
      historySize: Limits.history,
      onChange: () => this.emit('rooms'),
    });
    this.typing = new TypingTracker({
      timeoutMs: options.typingTimeoutMs ?? 4000,
      onChange: (room) => this.emit('typing', room),
    });
    this.sent = new RecentIds(options.rememberedIds ?? 10_000);
  }

  /** The session a token names; refused once it has expired or ended. */
  session(token: unknown): Checked<Session> {
    const session = this.sessions.get(token);
    if (!session) {
      return refuse(ChatErrorCode.SessionExpired, 'Your session has expired. Pick your name again to rejoin.');
    }
    return ok(session);
  }

  /** Puts a session in a room (made first when `create`); answers whether it is new to the room. */
  join(session: Session, room: string, create: boolean): Checked<boolean> {
    if (!this.rooms.has(room)) {
      if (!create) return refuse(ChatErrorCode.UnknownRoom, `There is no room called "${room}".`, { room });
      const made = this.rooms.create(room);
      if (!made.ok) return made;
    }
    const added = this.rooms.addMember(room, session.id);
    if (added.ok) session.rooms.add(room);
    return added;
  }

  /** Takes a session out of a room; answers whether it was in it. */
  leave(session: Session, room: string): boolean {
    session.rooms.delete(room);
    this.typing.clear(room, session.name);
    return this.rooms.removeMember(room, session.id);
  }

  /** Refused unless the session is in the room (which must exist). */
  member(session: Session, room: string): Checked<string> {
    if (!this.rooms.has(room)) return refuse(ChatErrorCode.UnknownRoom, `There is no room called "${room}".`, { room });
    if (!this.rooms.isMember(room, session.id)) {
      return refuse(ChatErrorCode.NotInRoom, `Join "${room}" before posting in it.`, { room });
    }
    return ok(room);
  }

  /** Signs a session out: it leaves every room; answers the rooms it was in. */
  end(session: Session): string[] {
    const rooms = [...session.rooms];
    for (const room of rooms) this.leave(session, room);
    this.sessions.end(session);
    return rooms;
  }

  /**
   * Runs `post` once per message id: a repeated send (a retry after a lost answer, a queued
   * call replayed after a reconnect) gets the first one's answer. A failed post is forgotten,
   * so that it can be retried.
   */
  sendOnce(room: string, session: Session, id: string, post: () => Promise<SendResult>): Promise<SendResult> {
    const key = `${room}\n${session.id}\n${id}`;
    const known = this.sent.get(key);
    if (known) return known;
    const result = post();
    this.sent.set(key, result);
    result.catch(() => this.sent.delete(key));
    return result;
  }

  /** Keeps an event a server published on a room's topic. */
  record(room: string, entry: HistoryEntry): void {
    this.rooms.record(room, entry);
  }

  /** Stops every timer the store holds. */
  close(): void {
    this.sessions.close();
    this.typing.close();
  }

  private expire(session: Session): void {
    const rooms = [...session.rooms];
    for (const room of rooms) this.leave(session, room);
    this.emit('expired', session.name, rooms);
  }
}
