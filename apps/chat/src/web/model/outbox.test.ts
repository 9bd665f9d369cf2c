import { ErrorCode, RpcError, type ClientStatus, type Remote } from '@tether/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatApi, SendResult } from '../../shared/api.js';
import { ChatErrorCode } from '../../shared/errors.js';
import { Outbox, type ShownError } from './outbox.js';
import { RoomFeed } from './room-feed.js';

type Send = ChatApi['messages']['send'];
type SendInput = Parameters<Send>[0];

/** An outbox over a scripted server: each send waits until the test settles it. */
function setup() {
  const calls: Array<{ input: SendInput; resolve: (r: SendResult) => void; reject: (e: unknown) => void }> = [];
  let status: ClientStatus = 'open';
  const refusals: Array<{ error: ShownError; text: string }> = [];
  const feed = new RoomFeed('general', 'Ada', () => undefined);
  const api = {
    messages: {
      send: (input: SendInput) => new Promise<SendResult>((resolve, reject) => calls.push({ input, resolve, reject })),
    },
  } as unknown as Remote<ChatApi>;
  const outbox = new Outbox({
    api,
    session: () => 'token',
    status: () => status,
    feed: (room) => (room === 'general' ? feed : undefined),
    refused: (error, _room, text) => refusals.push({ error, text }),
  });
  const states = () => feed.list().map((line) => line.state);
  const settle = async () => {
    await Promise.resolve();
    await Promise.resolve();
  };
  return { calls, outbox, feed, refusals, states, settle, setStatus: (s: ClientStatus) => (status = s) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('outbox', () => {
  it('shows a message at once and marks it sent with the server\'s event id', async () => {
    const { calls, outbox, feed, states, settle } = setup();
    outbox.send('general', 'Ada', 'hello');
    expect(states()).toEqual(['sending']);
    calls[0]?.resolve({ eventId: 7, at: 1000 });
    await settle();
    expect(feed.list()).toMatchObject([{ state: 'sent', eventId: 7, text: 'hello', own: true }]);
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

  it('gives a refused message back with the server\'s error, and drops its line', async () => {
    const { calls, outbox, refusals, states, settle } = setup();
    outbox.send('general', 'Ada', 'x'.repeat(2001));
    calls[0]?.reject(new RpcError(ChatErrorCode.MessageTooLong, 'Message is too long: 2001 characters, the limit is 2000.'));
    await settle();
    expect(states()).toEqual([]);
    expect(refusals).toEqual([
      { error: { code: ChatErrorCode.MessageTooLong, message: 'Message is too long: 2001 characters, the limit is 2000.' }, text: 'x'.repeat(2001) },
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
    const { calls, outbox, feed, states, settle } = setup();
    outbox.send('general', 'Ada', 'slow');
    outbox.send('general', 'Ada', 'slower');
    for (const call of calls) call.reject(new RpcError(ErrorCode.Timeout, 'tether: call timed out after 30000 ms'));
    await settle();
    expect(feed.list().map((l) => [l.state, l.error])).toEqual([
      ['failed', 'tether: call timed out after 30000 ms'],
      ['failed', 'tether: call timed out after 30000 ms'],
    ]);
    const [first, second] = feed.list();
    outbox.retry(first?.key ?? '');
    expect(calls[2]?.input).toMatchObject({ id: calls[0]?.input.id, text: 'slow' });
    outbox.discard(second?.key ?? '');
    expect(states()).toEqual(['sending']);
  });
});
