import { EventEmitter } from 'node:events';
import type { SendResult } from '../../shared/api.js';
import { ChatErrorCode, ok, refuse, type Checked } from '../../shared/errors.js';
import { RecentIds } from './recent-ids.js';
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
  /** `name` started or stopped typing in `room`. */
  typing: [room: string, name: string, typing: boolean];
  /** A session ran out of grace: it has left `rooms`. */
  expired: [session: Session, rooms: string[]];
}

/**
 * This process's part of the chat: sessions (tokens, their rooms, grace timers), typing
 * timers, and the message ids already posted. It lives outside any WebSocket server so that a
 * server restart in the same process finds everyone where they were. What every process must
 * see alike (names, who is online, room members, typists, rooms) is shared through the
 * server's presence and broker (see shared/shared-chat.ts); history lives in the broker.
 */
export class ChatStore extends EventEmitter<ChatStoreEvents> {
  readonly sessions: Sessions;
  readonly typing: TypingTracker;
  readonly defaultRooms: readonly string[];
  /** Sends by `room, session, id`: a repeated id gets the first send's answer. */
  private readonly sent: RecentIds<Promise<SendResult>>;

  constructor(options: ChatStoreOptions = {}) {
    super();
    this.defaultRooms = options.defaultRooms ?? ['general', 'random'];
    this.sessions = new Sessions({
      graceMs: options.graceMs ?? 30_000,
      newId: options.newSessionId ?? (() => crypto.randomUUID()),
      onExpire: (session) => this.expire(session),
    });
    this.typing = new TypingTracker({
      timeoutMs: options.typingTimeoutMs ?? 4000,
      onChange: (room, name, typing) => this.emit('typing', room, name, typing),
    });
    this.sent = new RecentIds(options.rememberedIds ?? 10_000);
  }

  /** The session a token names; refused once it has expired or ended (or this process restarted without it). */
  session(token: unknown): Checked<Session> {
    const session = this.sessions.get(token);
    if (!session) {
      return refuse(ChatErrorCode.SessionExpired, 'Your session has expired. Pick your name again to rejoin.');
    }
    return ok(session);
  }

  /** Takes a session out of a room here; answers whether it was in it. */
  leave(session: Session, room: string): boolean {
    this.typing.clear(room, session.name);
    return session.rooms.delete(room);
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

  /** Stops every timer the store holds. */
  close(): void {
    this.sessions.close();
    this.typing.close();
  }

  private expire(session: Session): void {
    const rooms = [...session.rooms];
    for (const room of rooms) this.leave(session, room);
    this.emit('expired', session, rooms);
  }
}
