import { ErrorCode, type ClientStatus, type Remote } from '@tether/client';
import type { ChatApi } from '../../shared/api.js';
import { ChatErrorCode, isChatErrorCode } from '../../shared/errors.js';
import { newMessageId } from './ids.js';
import { messageKey, type RoomFeed } from './room-feed.js';

/** An error as the page shows it: the server's message, and its code. */
export interface ShownError {
  message: string;
  code: number | undefined;
}

/**
 * What a person reads for a failure that is not the chat's own refusal: words, never a close
 * code or a library's message (`tether: connection closed (1006)`), which mean nothing to them.
 */
const transportWords: Record<number, string> = {
  [ErrorCode.ConnectionClosed]: 'The connection to the chat server dropped before it answered.',
  [ErrorCode.Timeout]: 'The chat server did not answer in time.',
  [ErrorCode.Overloaded]: 'The chat server is busy. Try again in a moment.',
  [ErrorCode.RateLimited]: 'You are sending too fast. Wait a moment, then try again.',
  [ErrorCode.Unavailable]: 'The chat server cannot reach its shared store right now. Try again in a moment.',
};

/** Reads what a failed call rejected with: the chat's refusals in the server's words, anything else in plain ones. */
export function shownError(error: unknown): ShownError {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  const numeric = typeof code === 'number' ? code : undefined;
  if (numeric !== undefined && isChatErrorCode(numeric) && typeof message === 'string' && message !== '') {
    return { message, code: numeric };
  }
  return {
    message: (numeric !== undefined && transportWords[numeric]) || 'Something went wrong on the chat server.',
    code: numeric,
  };
}

/** What the outbox needs from the chat around it. */
export interface OutboxHost {
  readonly api: Remote<ChatApi>;
  session(): string | undefined;
  status(): ClientStatus;
  feed(room: string): RoomFeed | undefined;
  /** The server refused the message itself (empty, too long, …): the text goes back to the composer. */
  refused(error: ShownError, room: string, text: string): void;
  /** The server no longer knows the session (it restarted): the message waits for the next sign-in. */
  sessionLost(error: ShownError): void;
}

/** How soon a send refused with ConnectionClosed goes again when no reconnect comes first. */
const RESEND_AFTER_MS = 1000;

interface Pending {
  readonly room: string;
  readonly id: string;
  readonly text: string;
  /** Whether a send call for it is under way (possibly waiting in the client's offline queue). */
  inFlight: boolean;
  /** Whether a drop interrupted its last send, so it must go again. */
  interrupted: boolean;
}

/**
 * Our messages on their way. Each keeps the id it was first sent with, so every resend — the
 * client's offline queue replaying it, a retry after a drop swallowed the answer, a click on
 * Retry — is the same message to the server, which posts it once.
 */
export class Outbox {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly host: OutboxHost) {}

  /** Sends `text` to `room` from `me`; blank text goes straight to the server, which says why not. */
  send(room: string, me: string, text: string): void {
    const id = newMessageId();
    const key = messageKey(me, id);
    this.pending.set(key, { room, id, text, inFlight: false, interrupted: false });
    if (text.trim() !== '') this.host.feed(room)?.addPending(key, text, this.waitingState());
    this.transmit(key);
  }

  /** Sends a failed message again, under its first id. */
  retry(key: string): void {
    const entry = this.pending.get(key);
    if (entry && !entry.inFlight) this.transmit(key);
  }

  /** Gives up on a failed message. */
  discard(key: string): void {
    const entry = this.pending.get(key);
    if (!entry || entry.inFlight) return;
    this.pending.delete(key);
    this.host.feed(entry.room)?.remove(key);
  }

  /** Back online: resends what a drop interrupted (what was queued offline goes out by itself). */
  flush(): void {
    for (const key of this.pending.keys()) this.resend(key);
  }

  /** Forgets everything (signed out). */
  clear(): void {
    this.pending.clear();
  }

  /** How many messages wait to be sent. */
  get size(): number {
    return this.pending.size;
  }

  /** The rooms the waiting messages are for, in the order they were written. */
  rooms(): string[] {
    return [...new Set([...this.pending.values()].map((entry) => entry.room))];
  }

  /**
   * Signed in again after the session was lost: each waiting message is shown again in its
   * room (under the name now signed in) and sent, under the id it was first sent with.
   */
  adopt(me: string): void {
    const entries = [...this.pending];
    this.pending.clear();
    for (const [known, entry] of entries) {
      // One still on its way keeps its key: its answer settles it under that key.
      const key = entry.inFlight ? known : messageKey(me, entry.id);
      this.pending.set(key, entry);
      if (entry.inFlight) continue;
      this.host.feed(entry.room)?.addPending(key, entry.text, this.waitingState());
      this.transmit(key);
    }
  }

  /** Sends again a message a drop interrupted, if the connection is up and nothing else did. */
  private resend(key: string): void {
    const entry = this.pending.get(key);
    if (entry?.interrupted && !entry.inFlight && this.host.status() === 'open') this.transmit(key);
  }

  private waitingState() {
    return this.host.status() === 'open' ? ('sending' as const) : ('queued' as const);
  }

  private transmit(key: string): void {
    const entry = this.pending.get(key);
    const session = this.host.session();
    if (!entry || !session) return;
    entry.inFlight = true;
    entry.interrupted = false;
    this.host.feed(entry.room)?.update(key, { state: this.waitingState(), error: undefined });
    this.host.api.messages.send({ session, room: entry.room, id: entry.id, text: entry.text }).then(
      (result) => {
        this.pending.delete(key);
        this.host.feed(entry.room)?.update(key, { state: 'sent', eventId: result.eventId, at: result.at });
      },
      (error: unknown) => {
        entry.inFlight = false;
        if (this.pending.get(key) !== entry) return;
        const shown = shownError(error);
        if (shown.code === ChatErrorCode.SessionExpired) {
          // Not the message's fault: it stays, and goes out after the next sign-in, or now
          // when the answer is about a session already replaced by a new sign-in.
          if (this.host.session() !== undefined && this.host.session() !== session) return this.transmit(key);
          this.host.feed(entry.room)?.update(key, { state: 'failed', error: 'the server restarted' });
          this.host.sessionLost(shown);
        } else if (shown.code !== undefined && isChatErrorCode(shown.code)) {
          this.pending.delete(key);
          this.host.feed(entry.room)?.remove(key);
          this.host.refused(shown, entry.room, entry.text);
        } else if (shown.code === ErrorCode.ConnectionClosed && this.host.status() !== 'closed') {
          // The connection dropped (or the server is shutting down) with the call unanswered: it
          // may have been posted or not, and resending under the same id is safe either way.
          // It goes again on the next open, or shortly if the connection never went down.
          entry.interrupted = true;
          this.host.feed(entry.room)?.update(key, { state: 'queued' });
          setTimeout(() => this.resend(key), RESEND_AFTER_MS);
        } else {
          this.host.feed(entry.room)?.update(key, { state: 'failed', error: shown.message });
        }
      },
    );
  }
}
