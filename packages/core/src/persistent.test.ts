import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from './errors.js';
import { Peer } from './peer.js';
import { connectedPair } from './testing/pair.js';
import { idle, rawTransportFor } from './testing/raw.js';

afterEach(() => {
  vi.useRealTimers();
});

const detached = (peer: Peer<unknown>) => new Promise((resolve) => peer.once('detach', resolve));

describe('a persistent peer', () => {
  it('queues calls and notifications while detached and sends them, in order, on attach', async () => {
    const peer = new Peer({ persistent: true });
    const call = peer.call('first', [1]);
    expect(peer.notify('second')).toBe(true);
    const batch = peer.batch([{ method: 'third' }]);
    expect(peer.stats.queued).toBe(3);
    await using side = rawTransportFor(peer);
    expect(peer.stats.queued).toBe(0);
    expect(await side.next()).toEqual({ jsonrpc: '2.0', id: 1, method: 'first', params: [1] });
    expect(await side.next()).toEqual({ jsonrpc: '2.0', method: 'second' });
    expect(await side.next()).toEqual([{ jsonrpc: '2.0', id: 2, method: 'third' }]);
    side.send([
      { jsonrpc: '2.0', id: 1, result: 'one' },
      { jsonrpc: '2.0', id: 2, result: 'three' },
    ]);
    await expect(call).resolves.toBe('one');
    await expect(batch).resolves.toEqual([{ status: 'fulfilled', value: 'three' }]);
  });

  it('never sends a queued call that timed out or was aborted, nor its cancel', async () => {
    vi.useFakeTimers();
    const peer = new Peer({ persistent: true });
    const timedOut = peer.call('late', [], { timeout: 100 });
    const controller = new AbortController();
    const aborted = peer.call('dropped', [], { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    vi.advanceTimersByTime(100);
    await expect(timedOut).rejects.toMatchObject({ code: ErrorCode.Timeout });
    expect(peer.stats.pending).toBe(0);
    await using side = rawTransportFor(peer);
    await side.expectSilence();
  });

  it('frees the queue slot of a queued call that timed out', async () => {
    vi.useFakeTimers();
    const peer = new Peer({ persistent: true, maxQueued: 1 });
    const first = peer.call('first', [], { timeout: 100 });
    vi.advanceTimersByTime(100);
    await expect(first).rejects.toMatchObject({ code: ErrorCode.Timeout });
    expect(peer.stats.queued).toBe(0);
    const second = peer.call('second', [], { timeout: 0 });
    await using side = rawTransportFor(peer);
    expect(await side.next()).toMatchObject({ method: 'second' });
    side.send({ jsonrpc: '2.0', id: 2, result: 2 });
    await expect(second).resolves.toBe(2);
  });

  it('rejects beyond maxQueued with Overloaded, at once', async () => {
    const peer = new Peer({ persistent: true, maxQueued: 2 });
    const kept = [peer.call('a'), peer.call('b')];
    await expect(peer.call('c')).rejects.toMatchObject({
      code: ErrorCode.Overloaded,
      message: 'tether: offline queue is full (2)',
    });
    expect(peer.notify('d')).toBe(false);
    const batch = await peer.batch([{ method: 'e' }]);
    expect(batch).toMatchObject([{ status: 'rejected', reason: { code: ErrorCode.Overloaded } }]);
    expect(peer.stats).toMatchObject({ pending: 2, queued: 2 });
    peer.close();
    for (const call of kept) await expect(call).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    expect(peer.stats).toMatchObject({ pending: 0, queued: 0 });
  });

  it('rejects calls already sent when the transport drops, and keeps serving after a new attach', async () => {
    const peer = new Peer({ persistent: true });
    const first = rawTransportFor(peer);
    const sent = peer.call('inflight');
    await first.next();
    const gone = detached(peer as Peer<unknown>);
    first.close(1006, 'lost');
    await expect(sent).rejects.toMatchObject({
      code: ErrorCode.ConnectionClosed,
      data: { code: 1006, reason: 'lost' },
    });
    expect(await gone).toEqual({ code: 1006, reason: 'lost' });
    expect(peer.closed).toBe(false);
    expect(peer.connected).toBe(false);
    const queued = peer.call('after');
    await using second = rawTransportFor(peer);
    expect(await second.next()).toMatchObject({ id: 2, method: 'after' });
    second.send({ jsonrpc: '2.0', id: 2, result: 'ok' });
    await expect(queued).resolves.toBe('ok');
  });

  it('refuses a second transport while one is attached', async () => {
    const peer = new Peer({ persistent: true });
    await using side = rawTransportFor(peer);
    expect(() => rawTransportFor(peer)).toThrow(/already attached/);
    await side.expectSilence();
  });

  it('rejects queued calls when closed for good', async () => {
    const peer = new Peer({ persistent: true });
    const queued = peer.call('x');
    const closed = new Promise((resolve) => peer.once('close', resolve));
    peer.close(1000, 'done');
    await expect(queued).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    expect(await closed).toEqual({ code: 1000, reason: 'done' });
    expect(peer.stats).toMatchObject({ pending: 0, queued: 0 });
  });

  it('aborts the handlers of a dropped connection and never answers them on the next one', async () => {
    const peer = new Peer({ persistent: true });
    let release!: () => void;
    let started!: (signal: AbortSignal) => void;
    const running = new Promise<AbortSignal>((resolve) => (started = resolve));
    // Ignores its signal on purpose: a handler may finish after its connection is gone.
    peer.service.register('slow', function () {
      started(this.signal);
      return new Promise<string>((resolve) => (release = () => resolve('stale')));
    });
    const first = rawTransportFor(peer);
    first.send({ jsonrpc: '2.0', method: 'slow', id: 1 });
    const signal = await running;
    const gone = detached(peer as Peer<unknown>);
    first.close();
    await gone;
    expect(signal.aborted).toBe(true);
    await using second = rawTransportFor(peer);
    release();
    await idle(peer as Peer<unknown>);
    // The new connection's id 1 is someone else's call: the stale answer must not reach it.
    await second.expectSilence();
  });

  it('survives a drop and a reconnect in a full client/server pair', async () => {
    await using pair = connectedPair({ client: { persistent: true } });
    pair.service.register('echo', (x: unknown) => x);
    await expect(pair.client.call('echo', ['before'])).resolves.toBe('before');
    await pair.drop();
    const during = pair.client.call('echo', ['during']);
    expect(pair.client.stats.queued).toBe(1);
    pair.reconnect();
    await expect(during).resolves.toBe('during');
  });
});
