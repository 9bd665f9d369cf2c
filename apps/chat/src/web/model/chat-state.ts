import type { ClientStatus } from '@tether/client';
import type { PresenceEntry, RoomSummary, ServerStatus } from '../../shared/api.js';
import type { ShownError } from './outbox.js';
import type { RoomFeed } from './room-feed.js';

/** Everything the page shows, read by the views after each change. */
export interface ChatState {
  status: ClientStatus;
  /** The scheduled reconnect attempt, while reconnecting. */
  retry: { attempt: number; delay: number } | undefined;
  /** Why the client gave up, in words, once closed for good. */
  closedReason: string | undefined;
  /** Whether the server can reach its shared state, as it last said. */
  server: ServerStatus | undefined;
  /** The name last signed in under, offered again after the server lost the session. */
  lastName: string | undefined;
  me: { name: string; session: string } | undefined;
  /** Whether a sign-in is under way (the form waits for the server's answer). */
  signingIn: boolean;
  rooms: RoomSummary[];
  presence: PresenceEntry[];
  /** Joined rooms, in the order they were joined. */
  feeds: Map<string, RoomFeed>;
  active: string | undefined;
  loginError: ShownError | undefined;
  roomError: ShownError | undefined;
  composerError: ShownError | undefined;
}

/** Where the page keeps its session token, so that a reload signs back in. */
export interface TokenStore {
  get(): string | undefined;
  set(token: string | undefined): void;
}

/** The state of a page that has not connected or signed in yet. */
export function initialState(): ChatState {
  return {
    status: 'connecting',
    retry: undefined,
    closedReason: undefined,
    server: undefined,
    lastName: undefined,
    me: undefined,
    signingIn: false,
    rooms: [],
    presence: [],
    feeds: new Map(),
    active: undefined,
    loginError: undefined,
    roomError: undefined,
    composerError: undefined,
  };
}
