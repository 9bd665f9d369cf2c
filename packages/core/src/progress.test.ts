import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallContext } from './context.js';
import { ErrorCode } from './errors.js';
import { connectedPair } from './testing/pair.js';
import { idle, rawSide } from './testing/raw.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('progress, handler side', () => {
  it('sends $/progress with the caller’s token before the response, and hides _meta from the handler', async () => {
    await using side = rawSide();
    let seen: unknown;
    let step!: () => void;
    side.peer.service.register('job', async function (this: CallContext, params: unknown) {
      seen = params;
      this.progress({ done: 1 });
      await new Promise<void>((resolve) => (step = resolve));
      return 'ok';
    });
    side.send({ jsonrpc: '2.0', id: 7, method: 'job', params: { n: 2, _meta: { progressToken: 'p7' } } });
    expect(await side.next()).toEqual({
      jsonrpc: '2.0',
      method: '$/progress',
      params: { token: 'p7', value: { done: 1 } },
    });
    expect(seen).toEqual({ n: 2 });
    step();
    expect(await side.next()).toEqual({ jsonrpc: '2.0', id: 7, result: 'ok' });
  });

  it('is a no-op for a caller that asked for none', async () => {
    await using side = rawSide();
    side.peer.service.register('job', async function (this: CallContext) {
      this.progress(1);
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.progress(2);
      return 'ok';
    });
    expect(await side.exchange({ jsonrpc: '2.0', id: 1, method: 'job', params: { n: 1 } })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: 'ok',
    });
    await idle(side.peer);
    await side.expectSilence();
  });

  it('coalesces: the latest value wins, sent before the response, and nothing follows it', async () => {
    await using side = rawSide();
    side.peer.service.register('job', function (this: CallContext) {
      for (let i = 1; i <= 100_000; i++) this.progress(i);
      return 'done'; // answered at once: the pending value goes out just before the response
    });
    side.peer.service.register('slow', async function (this: CallContext) {
      for (let i = 1; i <= 100_000; i++) this.progress(i);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'done';
    });
    const token = { _meta: { progressToken: 1 } };
    expect(await side.exchange({ jsonrpc: '2.0', id: 1, method: 'job', params: token })).toEqual({
      jsonrpc: '2.0',
      method: '$/progress',
      params: { token: 1, value: 100_000 },
    });
    expect(await side.next()).toMatchObject({ id: 1, result: 'done' });
    side.send({ jsonrpc: '2.0', id: 2, method: 'slow', params: token });
    expect(await side.next()).toEqual({ jsonrpc: '2.0', method: '$/progress', params: { token: 1, value: 100_000 } });
    expect(await side.next()).toMatchObject({ id: 2, result: 'done' });
    await idle(side.peer);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await side.expectSilence();
  });

  it('throws to the handler a value JSON cannot hold', async () => {
    await using side = rawSide();
    side.peer.on('handlerError', () => undefined);
    side.peer.service.register('job', function (this: CallContext) {
      this.progress(1n);
    });
    const reply = await side.exchange({
      jsonrpc: '2.0',
      id: 1,
      method: 'job',
      params: { _meta: { progressToken: 1 } },
    });
    expect(reply).toMatchObject({ id: 1, error: { code: ErrorCode.InternalError } });
  });

  it('stops reporting once the call is cancelled', async () => {
    await using side = rawSide();
    let aborted!: () => void;
    const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
    side.peer.service.register('job', async function (this: CallContext) {
      this.signal.addEventListener('abort', () => aborted());
      this.progress('started');
      await abortSeen;
      this.progress('after cancel');
      await new Promise((resolve) => setTimeout(resolve, 0));
      return 'late';
    });
    side.send({ jsonrpc: '2.0', id: 3, method: 'job', params: { _meta: { progressToken: 3 } } });
    expect(await side.next()).toMatchObject({ method: '$/progress', params: { token: 3, value: 'started' } });
    side.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 3 } });
    await abortSeen;
    // The handler still answers as it chooses; no progress comes before it.
    expect(await side.next()).toMatchObject({ id: 3, result: 'late' });
  });
});

describe('progress, caller side', () => {
  it('asks with its id as the token, by name, and hears each value', async () => {
    await using side = rawSide();
    const seenByMiddleware: string[] = [];
    side.peer.service.use((call, next) => {
      seenByMiddleware.push(call.method);
      return next();
    });
    const values: unknown[] = [];
    const call = side.peer.call('job', { n: 1 }, { onProgress: (value) => values.push(value) });
    expect(await side.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method: 'job',
      params: { n: 1, _meta: { progressToken: 1 } },
    });
    side.send({ jsonrpc: '2.0', method: '$/progress', params: { token: 1, value: 0.5 } });
    side.send({ jsonrpc: '2.0', method: '$/progress', params: { token: 2, value: 'not ours' } });
    side.send({ jsonrpc: '2.0', method: '$/progress', params: { token: '1', value: 'not ours either' } });
    side.send({ jsonrpc: '2.0', id: 1, result: 'ok' });
    await expect(call).resolves.toBe('ok');
    expect(values).toEqual([0.5]);
    // A progress notification is never a call: nothing answers it, not even -32601.
    side.send({ jsonrpc: '2.0', method: '$/progress', params: { token: 1, value: 1 } });
    await side.expectSilence();
    // Sorted by kind before the method table: no middleware ran for any of it.
    expect(seenByMiddleware).toEqual([]);
  });

  it('sends one object argument of a typed proxy by name, and refuses positional params', async () => {
    await using side = rawSide();
    const remote = side.peer.remote<{
      jobs: { build(o: { target: string }): string; add(a: number, b: number): number };
    }>();
    const onProgress = () => undefined;
    const built = remote.with({ onProgress }).jobs.build({ target: 'x' });
    expect(await side.next()).toMatchObject({
      method: 'jobs.build',
      params: { target: 'x', _meta: { progressToken: 1 } },
    });
    side.send({ jsonrpc: '2.0', id: 1, result: 'ok' });
    await expect(built).resolves.toBe('ok');
    await expect(remote.with({ onProgress }).jobs.add(1, 2)).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: 'tether: progress for jobs.add needs params by name',
    });
    // Without progress the same proxy still sends by position.
    const added = remote.jobs.add(1, 2);
    expect(await side.next()).toMatchObject({ method: 'jobs.add', params: [1, 2] });
    side.send({ jsonrpc: '2.0', id: 2, result: 3 });
    await expect(added).resolves.toBe(3);
  });

  it('restarts the timeout on each progress, up to maxTimeout', async () => {
    vi.useFakeTimers();
    await using side = rawSide();
    const values: unknown[] = [];
    const kept = side.peer.call('job', {}, { timeout: 100, onProgress: (v) => values.push(v) });
    // Caught at once: they reject while the clock is advanced, before the test awaits them.
    const capped = side.peer
      .call('job', {}, { timeout: 100, maxTimeout: 250, onProgress: () => undefined })
      .catch((e) => e);
    const plain = side.peer.call('job', {}, { timeout: 100 }).catch((e) => e);
    await side.next();
    await side.next();
    await side.next();
    for (let step = 1; step <= 4; step++) {
      vi.advanceTimersByTime(80);
      side.send({ jsonrpc: '2.0', method: '$/progress', params: { token: 1, value: step } });
      side.send({ jsonrpc: '2.0', method: '$/progress', params: { token: 2, value: step } });
      side.send({ jsonrpc: '2.0', method: '$/progress', params: { token: 3, value: step } });
      await vi.advanceTimersByTimeAsync(0);
    }
    // 320 ms in: the plain call timed out at 100 (progress it never asked for changes nothing),
    // the capped one at 250, the one with progress every 80 ms is still waiting.
    await expect(plain).resolves.toMatchObject({
      code: ErrorCode.Timeout,
      message: 'tether: job timed out after 100 ms',
    });
    await expect(capped).resolves.toMatchObject({
      code: ErrorCode.Timeout,
      message: 'tether: job timed out after 100 ms without progress, or at its maxTimeout',
    });
    expect(values).toEqual([1, 2, 3, 4]);
    expect(side.peer.stats.pending).toBe(1);
    side.send({ jsonrpc: '2.0', id: 1, result: 'ok' });
    await vi.advanceTimersByTimeAsync(0);
    await expect(kept).resolves.toBe('ok');
    // Each timed-out call told the other side to stop.
    const cancels = [await side.next(), await side.next()];
    expect(cancels).toEqual([
      { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 3 } },
      { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 2 } },
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reaches the caller through a pair, with the handler’s values in order', async () => {
    await using pair = connectedPair();
    pair.service.register('count', async function (this: CallContext, { to }: { to: number }) {
      for (let i = 1; i <= to; i++) {
        this.progress(i);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return to;
    });
    const values: unknown[] = [];
    await expect(pair.client.call('count', { to: 3 }, { onProgress: (v) => values.push(v) })).resolves.toBe(3);
    expect(values).toEqual([1, 2, 3]);
  });
});
