import type { Client, ClosedEvent, Remote } from '@tether/client';
import { TYPING_NOTIFICATION, type ChatApi, type ChatSubscriptions, type SessionInfo } from '../../shared/api.js';
import { ChatErrorCode } from '../../shared/errors.js';
import { initialState, type ChatState, type TokenStore } from './chat-state.js';
import { Outbox, shownError, type ShownError } from './outbox.js';
import { RoomFeed } from './room-feed.js';

/** Sends a typing notice at most this often while someone types; the server's notice lasts longer. */
const TYPING_EVERY_MS = 1500;

/**
 * The chat as the page sees it, on top of a Tether client: session, rooms, presence, each
 * joined room's feed, and our messages on their way. Views read `state` and call the actions;
 * `onChange` tells them when to draw again.
 */
export class ChatClient {
  readonly state: ChatState = initialState();
  private readonly api: Remote<ChatApi>;
  private readonly outbox: Outbox;
  private readonly listeners = new Set<() => void>();
  private lastTyping = 0;
  /** The token of a session the server lost (it restarted): the next sign-in takes its name over. */
  private previous: string | undefined;
  /** A message the server refused, for the composer to take back. */
  private returned: { room: string; text: string } | undefined;

  constructor(
    private readonly client: Client,
    private readonly tokens: TokenStore,
  ) {
    this.api = client.remote<ChatApi>();
    this.outbox = new Outbox({
      api: this.api,
      session: () => this.state.me?.session,
      status: () => this.client.status,
      feed: (room) => this.state.feeds.get(room),
      refused: (error, room, text) => this.refused(error, room, text),
      sessionLost: (error) => this.ended(undefined, error),
    });
    this.state.status = client.status;
    client.on('reconnecting', (event) => {
      this.state.status = 'reconnecting';
      this.state.retry = { attempt: event.attempt, delay: event.delay };
      this.changed();
    });
    client.on('open', () => this.opened());
    client.on('closed', (event) => {
      this.state.status = 'closed';
      this.state.closedReason = closedWords(event);
      this.changed();
    });
  }

  /** Calls `listener` after each change of state. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to the public lists, and signs back in when a token was kept from before. */
  start(): void {
    const subscriptions = this.client.subscriptions<ChatSubscriptions>();
    subscriptions.rooms(undefined, {
      onEvent: (rooms) => {
        this.state.rooms = rooms;
        this.changed();
      },
    });
    subscriptions.presence(undefined, {
      onEvent: (presence) => {
        this.state.presence = presence;
        this.changed();
      },
    });
    subscriptions.status(undefined, {
      onEvent: (status) => {
        this.state.server = status;
        this.changed();
      },
    });
    const token = this.tokens.get();
    if (token) void this.enter(this.api.session.resume({ session: token }), undefined);
  }

  /** Signs in under `name`, then joins the first room. */
  async signIn(name: string): Promise<void> {
    const previous = this.previous;
    await this.enter(this.api.session.start(previous === undefined ? { name } : { name, previous }), 'general');
  }

  async signOut(): Promise<void> {
    const me = this.state.me;
    if (!me) return;
    this.reset(undefined);
    await this.api.session.end({ session: me.session }).catch(() => undefined);
  }

  /** Joins a room (making it when `create`) and shows it; refusals show beside the room list. */
  async join(room: string, create = false): Promise<boolean> {
    const me = this.state.me;
    if (!me) return false;
    if (this.state.feeds.has(room)) {
      this.select(room);
      return true;
    }
    this.state.roomError = undefined;
    try {
      await this.open(room, create);
    } catch (error) {
      this.state.roomError = shownError(error);
      this.changed();
      return false;
    }
    this.select(room);
    return true;
  }

  async leave(room: string): Promise<void> {
    const me = this.state.me;
    const feed = this.state.feeds.get(room);
    if (!me || !feed) return;
    feed.close();
    this.state.feeds.delete(room);
    if (this.state.active === room) this.state.active = [...this.state.feeds.keys()][0];
    this.changed();
    await this.api.rooms.leave({ session: me.session, room }).catch((error: unknown) => {
      this.state.roomError = shownError(error);
      this.changed();
    });
  }

  select(room: string): void {
    const feed = this.state.feeds.get(room);
    if (!feed) return;
    this.state.active = room;
    feed.unread = 0;
    this.state.composerError = undefined;
    this.changed();
  }

  /** Sends to the room on screen; the server's refusal, if any, shows under the composer. */
  send(text: string): void {
    const { me, active } = this.state;
    if (!me || !active) return;
    this.state.composerError = undefined;
    // Sending clears our typing notice on the server: the next keystroke should renew it at once.
    this.lastTyping = 0;
    this.outbox.send(active, me.name, text);
    this.changed();
  }

  retry(key: string): void {
    this.outbox.retry(key);
  }

  discard(key: string): void {
    this.outbox.discard(key);
  }

  /** The person is typing: a notification now and then, never a call; nothing waits on it. */
  typing(): void {
    const { me, active } = this.state;
    const now = Date.now();
    if (!me || !active || this.client.status !== 'open' || now - this.lastTyping < TYPING_EVERY_MS) return;
    this.lastTyping = now;
    this.client.notify(TYPING_NOTIFICATION, { session: me.session, room: active });
  }

  /** The text of a message the server refused, once, if it was for the room on screen. */
  takeReturned(): string | undefined {
    const returned = this.returned;
    this.returned = undefined;
    return returned && returned.room === this.state.active ? returned.text : undefined;
  }

  dismissComposerError(): void {
    if (!this.state.composerError) return;
    this.state.composerError = undefined;
    this.changed();
  }

  private async enter(request: Promise<SessionInfo>, first: string | undefined): Promise<void> {
    this.state.signingIn = true;
    this.state.loginError = undefined;
    this.changed();
    let info: SessionInfo;
    try {
      info = await request;
    } catch (error) {
      this.state.signingIn = false;
      this.tokens.set(undefined);
      // A kept token that expired is not the person's mistake: the form just shows again.
      if (first !== undefined) this.state.loginError = shownError(error);
      this.changed();
      return;
    }
    this.state.signingIn = false;
    this.previous = undefined;
    this.state.me = { name: info.name, session: info.session };
    this.state.lastName = info.name;
    this.tokens.set(info.session);
    this.changed();
    // Rooms with messages still waiting from a lost session are joined too, the first room last so it shows.
    const rooms =
      first !== undefined
        ? [...this.outbox.rooms().filter((r) => r !== first), first]
        : [...new Set([...info.rooms, ...this.outbox.rooms()])];
    for (const room of rooms) await this.join(room);
    if (this.state.me?.session === info.session) this.outbox.adopt(info.name);
  }

  private async open(room: string, create: boolean): Promise<void> {
    const me = this.state.me as { name: string; session: string };
    const joined = await this.api.rooms.join({ session: me.session, room, create });
    if (this.state.me !== me || this.state.feeds.has(room)) return;
    const feed = new RoomFeed(room, me.name, () => this.changed());
    feed.load(joined.history);
    this.state.feeds.set(room, feed);
    feed.open(
      this.client,
      me.session,
      joined,
      () => this.state.active === room,
      (error) => this.ended(room, error),
    );
  }

  private opened(): void {
    const reconnected = this.state.status === 'reconnecting';
    this.state.status = 'open';
    this.state.retry = undefined;
    this.changed();
    const me = this.state.me;
    if (!reconnected || !me) return;
    this.api.session.resume({ session: me.session }).then(
      () => this.outbox.flush(),
      (error: unknown) => this.ended(undefined, error),
    );
  }

  /** A room's subscription (or the session) ended on the server's side. */
  private ended(room: string | undefined, error: unknown): void {
    const shown = shownError(error);
    if (shown.code === ChatErrorCode.SessionExpired) {
      const me = this.state.me;
      if (!me) return;
      this.reset(this.lostSession(shown), false);
      this.previous = me.session;
      return;
    }
    if (room === undefined) return;
    this.state.feeds.get(room)?.close();
    this.state.feeds.delete(room);
    if (this.state.active === room) this.state.active = [...this.state.feeds.keys()][0];
    this.state.roomError = shown;
    this.changed();
  }

  private refused(error: ShownError, room: string, text: string): void {
    this.state.composerError = error;
    this.returned = { room, text };
    this.changed();
  }

  /**
   * What the sign-in form says when the server no longer knows a session this page had: it
   * restarted (or kept it past its grace). Unsent messages wait, and the form says so.
   */
  private lostSession(shown: ShownError): ShownError {
    const waiting = this.outbox.size;
    const unsent =
      waiting === 0
        ? ''
        : ` Your ${waiting === 1 ? 'unsent message' : `${waiting} unsent messages`} will be sent then.`;
    return {
      code: shown.code,
      message: `The server restarted and lost your session. Sign in again to carry on.${unsent}`,
    };
  }

  /** Back to the sign-in form, with `error` shown on it; unsent messages are dropped only on sign-out. */
  private reset(error: ShownError | undefined, dropUnsent = true): void {
    for (const feed of this.state.feeds.values()) feed.close();
    this.state.feeds.clear();
    this.state.active = undefined;
    this.state.me = undefined;
    this.state.loginError = error;
    this.state.roomError = undefined;
    this.state.composerError = undefined;
    if (dropUnsent) this.outbox.clear();
    this.previous = undefined;
    this.tokens.set(undefined);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Why the client stopped for good, in words a person can act on: no close codes. */
function closedWords(event: ClosedEvent): string {
  if (event.why === 'client') return 'the page closed the connection';
  if (event.why === 'refused') return 'the chat server refused the connection';
  return 'the chat server could not be reached after several tries';
}
