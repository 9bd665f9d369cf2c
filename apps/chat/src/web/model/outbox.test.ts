import { ErrorCode, RpcError, type ClientStatus, type Remote } from '@tether/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatApi, SendResult } from '../../shared/api.js';
import { ChatErrorCode } from '../../shared/errors.js';
import { Outbox, shownError, type ShownError } from './outbox.js';
import { RoomFeed } from './room-feed.js';

type Send = ChatApi['messages']['send'];
type SendInput = Parameters<Send>[0];

/** An outbox over a scripted server: each send waits until the test settles it. */
function setup() {
  const calls: Array<{ input: SendInput; resolve: (r: SendResult) => void; reject: (e: unknown) => void }> = [];
  let status: ClientStatus = 'open';
  let session = 'token';
  const refusals: Array<{ error: ShownError; text: string }> = [];
  const lost: ShownError[] = [];
  let feed = new RoomFeed('general', 'Ada', () => undefined);
  const api = {
    messages: {
      send: (input: SendInput) => new Promise<SendResult>((resolve, reject) => calls.push({ input, resolve, reject })),
    },
  } as unknown as Remote<ChatApi>;
  const outbox = new Outbox({
    api,
    session: () => session,
    status: () => status,
    feed: (room) => (room === 'general' ? feed : undefined),
    refused: (error, _room, text) => refusals.push({ error, text }),
    sessionLost: (error) => lost.push(error),
  });
  const states = () => feed.list().map((line) => line.state);
  const settle = async () => {
    await Promise.resolve();
    await Promise.resolve();
  };
  return {
    calls,
    outbox,
    get feed() {
      return feed;
    },
    /** The page signed in again: its feeds are new. */
    newFeed: (me: string) => (feed = new RoomFeed('general', me, () => undefined)),
    refusals,
    lost,
    states,
    settle,
    setStatus: (s: ClientStatus) => (status = s),
    setSession: (token: string) => (session = token),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('outbox', () => {
  it("shows a message at once and marks it sent with the server's event id", async () => {
    const { calls, outbox, states, settle, ...t } = setup();
    outbox.send('general', 'Ada', 'hello');
    expect(states()).toEqual(['sending']);
    calls[0]?.resolve({ eventId: 7, at: 1000 });
    await settle();
    expect(t.feed.list()).toMatchObject([{ state: 'sent', eventId: 7, text: 'hello', own: true }]);
  });

  it('marks a message typed offline as queued, and it goes out as it is when back', async () => {
    const { calls, outbox, states, settle, setStatus } = setup();
    setStatus('reconnecting');
    outbox.send('general', 'Ada', 'typed offline');
    expect(states()).toEqual(['queued']);
    expect(calls).toHaveLength(1); // in the client's offline queue: not sent twice on flush
    setStatus('open');
    outbox.flush();
    expect(calls).toHaveLength(1);
    calls[0]?.resolve({ eventId: 1, at: 1 });
    await settle();
    expect(states()).toEqual(['sent']);
  });

  it('resends a message a drop interrupted, under the same id, once back online', async () => {
    const { calls, outbox, states, settle, setStatus } = setup();
    outbox.send('general', 'Ada', 'cut off');
    setStatus('reconnecting');
    calls[0]?.reject(new RpcError(ErrorCode.ConnectionClosed, 'tether: connection closed (1006)'));
    await settle();
    expect(states()).toEqual(['queued']);
    setStatus('open');
    outbox.flush();
    outbox.flush(); // a second open must not send it twice
    expect(calls).toHaveLength(2);
    expect(calls[1]?.input.id).toBe(calls[0]?.input.id);
    calls[1]?.resolve({ eventId: 3, at: 3 });
    await settle();
    expect(states()).toEqual(['sent']);
  });

  it('retries a send refused during a server shutdown after a moment, when no reconnect comes', async () => {
    vi.useFakeTimers();
    const { calls, outbox, settle } = setup();
    outbox.send('general', 'Ada', 'during shutdown');
    calls[0]?.reject(new RpcError(ErrorCode.ConnectionClosed, 'tether: server is shutting down'));
    await settle();
    expect(calls).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.input.id).toBe(calls[0]?.input.id);
  });

  it("gives a refused message back with the server's error, and drops its line", async () => {
    const { calls, outbox, refusals, states, settle } = setup();
    outbox.send('general', 'Ada', 'x'.repeat(2001));
    calls[0]?.reject(
      new RpcError(ChatErrorCode.MessageTooLong, 'Message is too long: 2001 characters, the limit is 2000.'),
    );
    await settle();
    expect(states()).toEqual([]);
    expect(refusals).toEqual([
      {
        error: {
          code: ChatErrorCode.MessageTooLong,
          message: 'Message is too long: 2001 characters, the limit is 2000.',
        },
        text: 'x'.repeat(2001),
      },
    ]);
  });

  it('sends a blank message to the server without showing a line, so its refusal can be shown', async () => {
    const { calls, outbox, refusals, states, settle } = setup();
    outbox.send('general', 'Ada', '   ');
    expect(states()).toEqual([]);
    calls[0]?.reject(new RpcError(ChatErrorCode.EmptyMessage, 'Cannot send an empty message.'));
    await settle();
    expect(refusals[0]?.error).toEqual({ code: ChatErrorCode.EmptyMessage, message: 'Cannot send an empty message.' });
  });

  it('marks a timed-out message failed, with a retry under the same id and a discard', async () => {
    const { calls, outbox, states, settle, ...t } = setup();
    const feed = t.feed;
    outbox.send('general', 'Ada', 'slow');
    outbox.send('general', 'Ada', 'slower');
    for (const call of calls) call.reject(new RpcError(ErrorCode.Timeout, 'tether: call timed out after 30000 ms'));
    await settle();
    // In words: what the library says (and any close code) is not for the person reading.
    expect(feed.list().map((l) => [l.state, l.error])).toEqual([
      ['failed', 'The chat server did not answer in time.'],
      ['failed', 'The chat server did not answer in time.'],
    ]);
    const [first, second] = feed.list();
    outbox.retry(first?.key ?? '');
    expect(calls[2]?.input).toMatchObject({ id: calls[0]?.input.id, text: 'slow' });
    outbox.discard(second?.key ?? '');
    expect(states()).toEqual(['sending']);
  });

  it('keeps a message the server lost the session for, and sends it after the next sign-in', async () => {
    const t = setup();
    const { calls, outbox, settle } = t;
    outbox.send('general', 'Ada', 'typed while it restarted');
    calls[0]?.reject(
      new RpcError(ChatErrorCode.SessionExpired, 'Your session has expired. Pick your name again to rejoin.'),
    );
    await settle();
    expect(t.lost.map((e) => e.code)).toEqual([ChatErrorCode.SessionExpired]);
    expect(t.feed.list().map((l) => [l.state, l.error])).toEqual([['failed', 'the server restarted']]);
    expect(outbox.size).toBe(1);
    expect(outbox.rooms()).toEqual(['general']);

    // Signed in again, as Ann this time: the line shows in the new feed and goes out under its first id.
    t.newFeed('Ann');
    outbox.adopt('Ann');
    expect(t.states()).toEqual(['sending']);
    expect(calls[1]?.input).toMatchObject({ id: calls[0]?.input.id, text: 'typed while it restarted' });
    calls[1]?.resolve({ eventId: 9, at: 9 });
    await settle();
    expect(t.states()).toEqual(['sent']);
    expect(outbox.size).toBe(0);
  });

  it('says a dropped connection in words, never with its close code', () => {
    const shown = shownError(new RpcError(ErrorCode.ConnectionClosed, 'tether: connection closed (1006)'));
    expect(shown.message).toBe('The connection to the chat server dropped before it answered.');
    expect(shown.message).not.toMatch(/\d{4}/);
    expect(shownError(new Error('boom')).message).toBe('Something went wrong on the chat server.');
  });

  it('sends again under the new session a message whose old session was lost after a new sign-in', async () => {
    const t = setup();
    t.outbox.send('general', 'Ada', 'in flight across the sign-in');
    t.setSession('token2');
    t.outbox.adopt('Ada');
    t.calls[0]?.reject(
      new RpcError(ChatErrorCode.SessionExpired, 'Your session has expired. Pick your name again to rejoin.'),
    );
    await t.settle();
    expect(t.lost).toEqual([]);
    expect(t.calls[1]?.input).toMatchObject({ session: 'token2', id: t.calls[0]?.input.id });
    t.calls[1]?.resolve({ eventId: 4, at: 4 });
    await t.settle();
    expect(t.states()).toEqual(['sent']);
    expect(t.outbox.size).toBe(0);
  });
});
