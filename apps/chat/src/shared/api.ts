/**
 * The chat's wire contract, shared by the server and the browser: methods (calls with one
 * object param), the typing notification, the subscriptions and what they push.
 */
import type { Subscribe } from '@tether/core';

/** A chat message, as it travels on a room's topic. `id` is the sender's own id, for de-duplication. */
export interface MessageEvent {
  kind: 'message';
  id: string;
  room: string;
  from: string;
  text: string;
  /** Server time, ms since the epoch. */
  at: number;
}

/** Someone joined or left a room (or their session expired). */
export interface MembershipEvent {
  kind: 'joined' | 'left';
  room: string;
  name: string;
  at: number;
}

/** What a room's topic carries. */
export type RoomEvent = MessageEvent | MembershipEvent;

/** A room event with the topic's event id: ids rise by one per event, so they order and de-duplicate. */
export interface HistoryEntry {
  eventId: number;
  event: RoomEvent;
}

/** One room in the live room list. */
export interface RoomSummary {
  name: string;
  members: number;
}

/** One person in the live presence list: `away` while none of their connections is open. */
export interface PresenceEntry {
  name: string;
  status: 'online' | 'away';
}

/** Where the chat's shared state lives and whether it can be reached: what the page warns about. */
export interface ServerStatus {
  /** What names, presence and history are shared through, e.g. 'Redis at redis://127.0.0.1:6379'; null for this process's memory. */
  sharedThrough: string | null;
  /** False while that cannot be reached: nothing can be sent, and lists may be out of date. */
  ok: boolean;
}

/** A signed-in session: the token that names it in every call, and its rooms. */
export interface SessionInfo {
  session: string;
  name: string;
  rooms: string[];
}

/** What joining a room answers: its recent history, and the id to subscribe after so nothing is seen twice. */
export interface JoinResult {
  room: string;
  history: HistoryEntry[];
  lastEventId: number;
  /** The room topic's epoch `lastEventId` counts in, to subscribe with; absent while the topic has none. */
  epoch?: string;
}

/** What sending a message answers (the same for a repeated send of the same id). */
export interface SendResult {
  eventId: number;
  at: number;
}

/** Params of calls made within a session. */
export interface InSession {
  session: string;
}

/** The chat's methods, for `remote<ChatApi>()` and `serve<ChatApi>()`. */
export type ChatApi = {
  session: {
    /**
     * Signs in under a name no one else holds. `previous` is the token of a session this page
     * had and the server lost (it restarted): the name that session held is taken over, even
     * while the dead process's hold on it has not expired yet.
     */
    start(input: { name: string; previous?: string }): SessionInfo;
    /** Takes a session back (after a reconnect or a page reload). */
    resume(input: InSession): SessionInfo;
    /** Signs out: leaves every room and frees the name. */
    end(input: InSession): boolean;
  };
  rooms: {
    /** Joins a room; `create` makes it when it does not exist yet. */
    join(input: InSession & { room: string; create?: boolean }): JoinResult;
    leave(input: InSession & { room: string }): boolean;
  };
  messages: {
    /** Posts a message; `id` is chosen by the sender, and a repeated id is answered without posting twice. */
    send(input: InSession & { room: string; id: string; text: string }): SendResult;
  };
};

/** Notification `{ session, room }`: the sender is typing. Sent, never called: nothing waits on it. */
export const TYPING_NOTIFICATION = 'typing';

/**
 * The chat's subscriptions, for `subscriptions<ChatSubscriptions>()` on both sides: a tree of
 * its own, since the subscription `rooms` shares its name with the method namespace `rooms`.
 */
export type ChatSubscriptions = {
  /** The whole room list at once and on every change. */
  rooms: Subscribe<undefined, RoomSummary[]>;
  /** The whole presence list at once and on every change. */
  presence: Subscribe<undefined, PresenceEntry[]>;
  /** The server's status at once and on every change. */
  status: Subscribe<undefined, ServerStatus>;
  room: {
    /** A room's events with event ids, resumable after a reconnect. */
    messages: Subscribe<InSession & { room: string }, RoomEvent>;
    /** The names typing in the room at once and on every change. */
    typing: Subscribe<InSession & { room: string }, string[]>;
  };
};

/** Subscription names, and what each pushes (as `ChatSubscriptions` types them), for clients without the types. */
export const Subscriptions = {
  /** No params; pushes the whole room list (`RoomSummary[]`) at once and on every change. */
  rooms: 'rooms',
  /** No params; pushes the whole presence list (`PresenceEntry[]`) at once and on every change. */
  presence: 'presence',
  /** `{ session, room }`; pushes `RoomEvent`s with event ids, resumable after a reconnect. */
  messages: 'room.messages',
  /** `{ session, room }`; pushes the names typing in the room (`string[]`) at once and on every change. */
  typing: 'room.typing',
  /** No params; pushes the server's `ServerStatus` at once and on every change. */
  status: 'status',
} as const;
