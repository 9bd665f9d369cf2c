import type { Client, Subscription } from '@tether/client';
import type { ChatSubscriptions, HistoryEntry, RoomEvent } from '../../shared/api.js';

/** Where one of our own messages stands; others' messages are always `sent`. */
export type LineState = 'sent' | 'sending' | 'queued' | 'failed';

/** One line of a room's conversation, as the page shows it. */
export interface ChatLine {
  /** Stable across the pending and confirmed forms of a message: `m:<sender>:<id>`. */
  readonly key: string;
  kind: RoomEvent['kind'] | 'notice';
  /** The topic's event id once the server has it; orders the conversation. */
  eventId: number | undefined;
  /** Local order, for lines that have no event id yet. */
  readonly seq: number;
  from: string;
  text: string;
  at: number;
  own: boolean;
  state: LineState;
  /** Why a send failed, in the server's words. */
  error?: string;
}

let seq = 0;

/** The key of a message: a sender's ids are theirs, so the sender is part of it. */
export const messageKey = (from: string, id: string): string => `m:${from}:${id}`;

/**
 * A joined room on the page: its lines (history, live events, own pending messages) and who is
 * typing. Each event is applied once, by key, whether it comes from history, the live feed, or
 * the answer to our own send.
 */
export class RoomFeed {
  private readonly lines = new Map<string, ChatLine>();
  private readonly subscriptions: Array<Subscription<unknown>> = [];
  /** Names typing here now, ourselves left out. */
  typing: string[] = [];
  /** Messages from others since the room was last looked at. */
  unread = 0;

  constructor(
    readonly name: string,
    private readonly me: string,
    private readonly changed: () => void,
  ) {}

  /** Lines in conversation order: by event id, then lines still waiting for one. */
  list(): ChatLine[] {
    return [...this.lines.values()].sort((a, b) => (a.eventId ?? Infinity) - (b.eventId ?? Infinity) || a.seq - b.seq);
  }

  get(key: string): ChatLine | undefined {
    return this.lines.get(key);
  }

  load(history: readonly HistoryEntry[]): void {
    for (const { event, eventId } of history) this.apply(event, eventId, false);
  }

  /**
   * Subscribes to the room's events after the joined position and to its typing list. The client
   * library restores both after a reconnect, the events from the last id seen. `ended` hears
   * of a subscription the server ended with an error.
   */
  open(
    client: Client,
    session: string,
    from: { lastEventId: number; epoch?: string },
    active: () => boolean,
    ended: (error: unknown) => void,
  ): void {
    const params = { session, room: this.name };
    const room = client.subscriptions<ChatSubscriptions>().room;
    const messages = room.messages(params, {
      after: from.lastEventId,
      ...(from.epoch === undefined ? {} : { epoch: from.epoch }),
      onEvent: (event, eventId) => {
        this.apply(event, eventId, !active());
        this.changed();
      },
      onGap: (gap) => {
        this.notice('Some messages could not be delivered.', gap.next - 0.5);
        this.changed();
      },
    });
    const typing = room.typing(params, {
      onEvent: (names) => {
        this.typing = names.filter((name) => name !== this.me);
        this.changed();
      },
    });
    for (const sub of [messages, typing] as Array<Subscription<unknown>>) {
      this.subscriptions.push(sub);
      // With onEvent the iterator yields nothing; it settles only when the subscription ends.
      sub[Symbol.asyncIterator]()
        .next()
        .then(undefined, (error: unknown) => ended(error));
    }
  }

  /** Shows our own message at once, before the server has it. */
  addPending(key: string, text: string, state: LineState): void {
    this.lines.set(key, {
      key,
      kind: 'message',
      eventId: undefined,
      seq: ++seq,
      from: this.me,
      text,
      at: Date.now(),
      own: true,
      state,
    });
    this.changed();
  }

  /** Updates one of our lines (state, error, or the event id the server gave it). */
  update(key: string, patch: { state?: LineState; error?: string | undefined; eventId?: number; at?: number }): void {
    const line = this.lines.get(key);
    if (!line) return;
    const { error, ...rest } = patch;
    Object.assign(line, rest);
    if (error === undefined) delete line.error;
    else line.error = error;
    this.changed();
  }

  remove(key: string): void {
    if (this.lines.delete(key)) this.changed();
  }

  /** Unsubscribes; the room's lines go with the feed. */
  close(): void {
    for (const sub of this.subscriptions.splice(0)) void sub.unsubscribe();
  }

  /** Applies an event once; `unseen` counts a message from someone else as unread. */
  private apply(event: RoomEvent, eventId: number | undefined, unseen: boolean): void {
    const key = event.kind === 'message' ? messageKey(event.from, event.id) : `e:${eventId}`;
    const known = this.lines.get(key);
    if (known) {
      // Our own message, confirmed by the live feed: it takes the server's text, time and place.
      Object.assign(known, {
        eventId,
        text: event.kind === 'message' ? event.text : known.text,
        at: event.at,
        state: 'sent',
      });
      delete known.error;
      return;
    }
    const from = event.kind === 'message' ? event.from : event.name;
    const text = event.kind === 'message' ? event.text : '';
    const own = from === this.me;
    this.lines.set(key, { key, kind: event.kind, eventId, seq: ++seq, from, text, at: event.at, own, state: 'sent' });
    if (event.kind === 'message' && !own && unseen) this.unread++;
  }

  /** A line from the page itself, placed at `position` among the event ids. */
  private notice(text: string, position: number): void {
    const key = `n:${++seq}`;
    this.lines.set(key, {
      key,
      kind: 'notice',
      eventId: position,
      seq,
      from: '',
      text,
      at: Date.now(),
      own: false,
      state: 'sent',
    });
  }
}
