import { describe, expect, it } from 'vitest';
import { registerValidated } from './validated.js';
import type { CallContext } from './context.js';
import { ErrorCode, RpcError } from './errors.js';
import { connectedPair } from './testing/pair.js';
import { rawSide } from './testing/raw.js';

describe('middleware', () => {
  it('runs in the order added, as layers around the handler', async () => {
    await using pair = connectedPair();
    const trace: string[] = [];
    pair.service
      .use(async (_call, next) => {
        trace.push('outer in');
        const result = await next();
        trace.push('outer out');
        return result;
      })
      .use(async (_call, next) => {
        trace.push('inner in');
        const result = await next();
        trace.push('inner out');
        return (result as number) * 10;
      })
      .register('one', () => {
        trace.push('handler');
        return 1;
      });
    await expect(pair.client.call('one')).resolves.toBe(10);
    expect(trace).toEqual(['outer in', 'inner in', 'handler', 'inner out', 'outer out']);
  });

  it('sees the method, params, id and connection data, before the handler runs', async () => {
    await using pair = connectedPair<unknown, { user: string }>({ server: { data: { user: 'ada' } } });
    const seen: unknown[] = [];
    pair.service.use((call: CallContext<{ user: string }>, next) => {
      seen.push({ method: call.method, params: call.params, id: call.id, user: call.data.user, peer: call.peer });
      return next();
    });
    pair.service.register('echo', (x: unknown) => x);
    await pair.client.call('echo', ['hi']);
    pair.client.notify('echo', { n: 1 });
    await pair.client.call('echo', [2]);
    expect(seen).toEqual([
      { method: 'echo', params: ['hi'], id: 1, user: 'ada', peer: pair.server },
      { method: 'echo', params: { n: 1 }, id: undefined, user: 'ada', peer: pair.server },
      { method: 'echo', params: [2], id: 2, user: 'ada', peer: pair.server },
    ]);
  });

  it('short-circuits: a layer that does not call next answers instead of the handler', async () => {
    await using pair = connectedPair();
    let handled = false;
    pair.service.use((call, next) => (call.method === 'cached' ? 'from cache' : next()));
    pair.service.register('cached', () => {
      handled = true;
      return 'from handler';
    });
    await expect(pair.client.call('cached')).resolves.toBe('from cache');
    expect(handled).toBe(false);
  });

  it('answers an RpcError thrown by a layer as it is, and a plain error as a bare -32603', async () => {
    await using pair = connectedPair();
    let handled = 0;
    pair.service.use((call, next) => {
      if (call.method === 'guarded') throw new RpcError(ErrorCode.Unauthorized, 'who are you?', { need: 'token' });
      if (call.method === 'broken') throw new Error('database password is hunter2');
      return next();
    });
    pair.service.register('guarded', () => ++handled).register('broken', () => ++handled);
    await expect(pair.client.call('guarded')).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
      message: 'who are you?',
      data: { need: 'token' },
    });
    const error = (await pair.client.call('broken').catch((e: unknown) => e)) as RpcError;
    expect(error).toMatchObject({ code: -32603, message: 'Internal error', data: undefined });
    expect(handled).toBe(0);
    expect(pair.takeHandlerErrors()).toEqual([{ error: new Error('database password is hunter2'), method: 'broken' }]);
  });

  it('lets a layer map a handler error to another answer', async () => {
    await using pair = connectedPair();
    pair.service.use(async (_call, next) => {
      try {
        return await next();
      } catch (error) {
        throw new RpcError(1, 'mapped', { from: (error as RpcError).code });
      }
    });
    pair.service.register('fail', () => {
      throw new RpcError(2, 'original');
    });
    await expect(pair.client.call('fail')).rejects.toMatchObject({ code: 1, message: 'mapped', data: { from: 2 } });
  });

  it('refuses a second next() from one layer', async () => {
    await using side = rawSide();
    let runs = 0;
    side.peer.service.use(async (_call, next) => {
      await next();
      return next();
    });
    side.peer.service.register('once', () => ++runs);
    const errors: unknown[] = [];
    side.peer.on('handlerError', (e) => errors.push(e));
    expect(await side.exchange({ jsonrpc: '2.0', method: 'once', id: 1 })).toMatchObject({
      id: 1,
      error: { code: -32603, message: 'Internal error' },
    });
    expect(runs).toBe(1);
    expect(errors).toEqual([new Error('tether: middleware called next() twice')]);
  });

  it('runs for notifications too, and a failure there stays silent', async () => {
    await using side = rawSide();
    const seen: string[] = [];
    side.peer.service.use((call, next) => {
      seen.push(call.method);
      if (call.method === 'deny') throw new RpcError(ErrorCode.Unauthorized, 'no');
      return next();
    });
    side.peer.service.register('ok', () => 1).register('deny', () => 2);
    side.send({ jsonrpc: '2.0', method: 'ok' });
    side.send({ jsonrpc: '2.0', method: 'deny' });
    await side.expectSilence();
    expect(seen).toEqual(['ok', 'deny']);
  });

  it('sees raw params while schema validation happens later, inside next()', async () => {
    await using side = rawSide();
    const seen: unknown[] = [];
    side.peer.service.use(async (call, next) => {
      seen.push(call.params);
      const result = await next();
      seen.push(call.params);
      return result;
    });
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => ({ value: (value as number[]).map(String) }),
      },
    };
    registerValidated(side.peer.service, 'strings', (...args: unknown[]) => args, { params: schema });
    expect(await side.exchange({ jsonrpc: '2.0', method: 'strings', params: [1, 2], id: 1 })).toMatchObject({
      result: ['1', '2'],
    });
    expect(seen).toEqual([
      [1, 2],
      ['1', '2'],
    ]);
  });

  it('does not run for a method that does not exist', async () => {
    await using side = rawSide();
    let ran = false;
    side.peer.service.use((_call, next) => {
      ran = true;
      return next();
    });
    expect(await side.exchange({ jsonrpc: '2.0', method: 'missing', id: 1 })).toMatchObject({
      error: { code: -32601 },
    });
    expect(ran).toBe(false);
  });
});
