import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, RpcError } from './errors.js';
import { Peer } from './peer.js';
import { connectedPair } from './testing/pair.js';
import { rawSide } from './testing/raw.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('call', () => {
  it('sends a request with a fresh numeric id and resolves with the result', async () => {
    await using side = rawSide();
    const first = side.peer.call('math.add', [1, 2]);
    const second = side.peer.call('named', { a: 1 });
    const third = side.peer.call('bare');
    expect(await side.next()).toEqual({ jsonrpc: '2.0', id: 1, method: 'math.add', params: [1, 2] });
    expect(await side.next()).toEqual({ jsonrpc: '2.0', id: 2, method: 'named', params: { a: 1 } });
    expect(await side.next()).toEqual({ jsonrpc: '2.0', id: 3, method: 'bare' });
    side.send({ jsonrpc: '2.0', id: 2, result: 'two' });
    side.send({ jsonrpc: '2.0', id: 1, result: 3 });
    side.send({ jsonrpc: '2.0', id: 3, error: { code: 7, message: 'seven', data: [7] } });
    await expect(first).resolves.toBe(3);
    await expect(second).resolves.toBe('two');
    const error = await third.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 7, message: 'seven', data: [7] });
  });

  it('rejects with -32603 on an error response that is not an error object', async () => {
    await using side = rawSide();
    const call = side.peer.call('x');
    await side.next();
    side.send({ jsonrpc: '2.0', id: 1, error: 'oops' });
    await expect(call).rejects.toMatchObject({ code: ErrorCode.InternalError });
  });

  it('settles a call once: a duplicate response is a stray', async () => {
    await using side = rawSide();
    const strays: unknown[] = [];
    side.peer.on('strayResponse', (m) => strays.push(m));
    const call = side.peer.call('x');
    await side.next();
    side.send({ jsonrpc: '2.0', id: 1, result: 'first' });
    side.send({ jsonrpc: '2.0', id: 1, result: 'second' });
    await expect(call).resolves.toBe('first');
    await side.expectSilence();
    expect(strays).toEqual([{ jsonrpc: '2.0', id: 1, result: 'second' }]);
  });

  it('rejects with Timeout, clearing its entry and its timer', async () => {
    vi.useFakeTimers();
    await using side = rawSide({ timeout: 1000 });
    const byDefault = side.peer.call('slow');
    const byOption = side.peer.call('slow', [], { timeout: 50 });
    await side.next();
    await side.next();
    expect(side.peer.stats.pending).toBe(2);
    expect(vi.getTimerCount()).toBe(1); // one timer, shared by every pending call
    vi.advanceTimersByTime(49);
    expect(side.peer.stats.pending).toBe(2);
    vi.advanceTimersByTime(1);
    await expect(byOption).rejects.toMatchObject({
      code: ErrorCode.Timeout,
      message: 'tether: slow timed out after 50 ms',
    });
    expect(side.peer.stats.pending).toBe(1);
    // The other side is told to stop working on what nobody waits for.
    expect(await side.next()).toEqual({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 2 } });
    vi.advanceTimersByTime(950);
    await expect(byDefault).rejects.toMatchObject({ code: ErrorCode.Timeout });
    expect(await side.next()).toEqual({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } });
    expect(side.peer.stats.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    // A late answer finds no call: ignored, not a crash.
    const strays: unknown[] = [];
    side.peer.on('strayResponse', (m) => strays.push(m));
    side.send({ jsonrpc: '2.0', id: 1, result: 'late' });
    await side.expectSilence();
    expect(strays).toHaveLength(1);
  });

  it('leaves no timer behind once a call is answered, and sets none for timeout 0', async () => {
    vi.useFakeTimers();
    await using side = rawSide();
    const answered = side.peer.call('x');
    const forever = side.peer.call('y', [], { timeout: 0 });
    await side.next();
    await side.next();
    expect(vi.getTimerCount()).toBe(1);
    side.send({ jsonrpc: '2.0', id: 1, result: null });
    await answered;
    expect(vi.getTimerCount()).toBe(0);
    side.send({ jsonrpc: '2.0', id: 2, result: null });
    await forever;
  });

  it('on abort rejects with Cancelled at once and sends $/cancelRequest with the id', async () => {
    await using side = rawSide();
    const controller = new AbortController();
    const call = side.peer.call('slow', [], { signal: controller.signal });
    expect(await side.next()).toMatchObject({ id: 1, method: 'slow' });
    controller.abort(new Error('user left'));
    const error = await call.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.Cancelled, message: 'tether: slow was cancelled' });
    expect((error as Error).cause).toEqual(new Error('user left'));
    expect(await side.next()).toEqual({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } });
    expect(side.peer.stats.pending).toBe(0);
  });

  it('does not send a call whose signal is already aborted', async () => {
    await using side = rawSide();
    const call = side.peer.call('never', [], { signal: AbortSignal.abort() });
    await expect(call).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    await side.expectSilence();
  });

  it('removes its abort listener once settled', async () => {
    await using side = rawSide();
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const call = side.peer.call('x', [], { signal: controller.signal });
    await side.next();
    side.send({ jsonrpc: '2.0', id: 1, result: 1 });
    await call;
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    controller.abort();
    await side.expectSilence();
  });

  it('cancels the running handler on the other side', async () => {
    await using pair = connectedPair({ allowStrays: true });
    let started!: (signal: AbortSignal) => void;
    const running = new Promise<AbortSignal>((resolve) => (started = resolve));
    pair.service.register('slow', function () {
      started(this.signal);
      return new Promise((_, reject) => this.signal.addEventListener('abort', () => reject(this.signal.reason)));
    });
    const controller = new AbortController();
    const call = pair.client.call('slow', [], { signal: controller.signal });
    const signal = await running;
    const answered = new Promise((resolve) => pair.client.once('strayResponse', resolve));
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    await answered;
    expect(signal.aborted).toBe(true);
  });
});

describe('connection close', () => {
  it('rejects every pending call with ConnectionClosed when the other side goes', async () => {
    await using side = rawSide();
    const calls = Array.from({ length: 5 }, (_, i) => side.peer.call(`m${i}`, [], { timeout: 0 }));
    for (let i = 0; i < 5; i++) await side.next();
    const closed = new Promise((resolve) => side.peer.once('close', resolve));
    side.close(4001, 'bye');
    const results = await Promise.allSettled(calls);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    for (const r of results) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: ErrorCode.ConnectionClosed,
        data: { code: 4001, reason: 'bye' },
      });
    }
    expect(await closed).toEqual({ code: 4001, reason: 'bye' });
    expect(side.peer.stats.pending).toBe(0);
    expect(side.peer.closed).toBe(true);
  });

  it('rejects pending calls when the peer itself is closed, and every later call at once', async () => {
    await using pair = connectedPair();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    pair.service.register('hang', function () {
      started();
      return new Promise<void>((resolve) => this.signal.addEventListener('abort', () => resolve()));
    });
    const call = pair.client.call('hang');
    await running;
    const serverClosed = new Promise((resolve) => pair.server.once('close', resolve));
    pair.client.close();
    await expect(call).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await serverClosed;
    await expect(pair.client.call('again')).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await expect(pair.client.batch([{ method: 'again' }])).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    expect(pair.client.notify('again')).toBe(false);
    expect(() => pair.client.attach(pair.client as never)).toThrow(RpcError);
    await Promise.resolve();
    expect(pair.server.stats.running).toBe(0);
  });

  it('rejects calls on a peer that was never attached', async () => {
    const peer = new Peer();
    await expect(peer.call('x')).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    expect(peer.notify('x')).toBe(false);
    expect(Object.values(peer.stats).every((n) => n === 0)).toBe(true);
  });
});

describe('batch', () => {
  it('sends one array and resolves with each call settled, in order', async () => {
    await using side = rawSide();
    const batch = side.peer.batch([
      { method: 'a', params: [1] },
      { method: 'log', params: ['x'], notification: true },
      { method: 'b' },
    ]);
    expect(await side.next()).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'a', params: [1] },
      { jsonrpc: '2.0', method: 'log', params: ['x'] },
      { jsonrpc: '2.0', id: 2, method: 'b' },
    ]);
    side.send([
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Method not found' } },
      { jsonrpc: '2.0', id: 1, result: 'A' },
    ]);
    const [a, b] = await batch;
    expect(a).toEqual({ status: 'fulfilled', value: 'A' });
    expect(b).toMatchObject({ status: 'rejected', reason: { code: -32601 } });
  });

  it('resolves an empty batch with [] and sends nothing', async () => {
    await using side = rawSide();
    await expect(side.peer.batch([])).resolves.toEqual([]);
    await side.expectSilence();
  });

  it('works end to end, with a timeout applying to each call', async () => {
    await using pair = connectedPair();
    pair.service.register('add', (a: number, b: number) => a + b);
    const results = await pair.client.batch(
      [{ method: 'add', params: [1, 2] }, { method: 'nope' }, { method: 'add', params: [3, 4] }],
      { timeout: 1000 },
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as RpcError).code))).toEqual([
      3, -32601, 7,
    ]);
  });
});
