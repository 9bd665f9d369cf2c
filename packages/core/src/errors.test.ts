import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError, toWireError } from './errors.js';
import { connectedPair } from './testing/pair.js';
import { rawSide } from './testing/raw.js';

describe('errors', () => {
  it('keeps an RpcError thrown by a handler: code, message and data, sync or async', async () => {
    await using pair = connectedPair();
    pair.service.register('sync', () => {
      throw new RpcError(4242, 'custom', { why: ['because'] });
    });
    pair.service.register('async', async () => {
      throw new RpcError(ErrorCode.InvalidParams, undefined, 0);
    });
    const sync = await pair.client.call('sync').catch((e: unknown) => e);
    expect(sync).toBeInstanceOf(RpcError);
    expect(sync).toMatchObject({ code: 4242, message: 'custom', data: { why: ['because'] } });
    await expect(pair.client.call('async')).rejects.toMatchObject({ code: -32602, message: 'Invalid params', data: 0 });
    expect(pair.takeHandlerErrors()).toEqual([]);
  });

  it.each([
    ['an Error', () => new Error('secret: password=hunter2')],
    ['a TypeError', () => new TypeError('secret: cannot read x of undefined')],
    ['a string', () => 'secret: a string'],
    ['an object', () => ({ message: 'secret', code: -32602, data: 'secret' })],
    ['undefined', () => undefined],
    ['null', () => null],
  ])('answers %s thrown as a bare -32603, leaking nothing, and reports it', async (_what, make) => {
    await using side = rawSide();
    const reported: unknown[] = [];
    side.peer.on('handlerError', (error, method) => reported.push([error, method]));
    side.peer.service.register('sync', () => {
      throw make();
    });
    side.peer.service.register('async', () => Promise.reject(make()));
    for (const method of ['sync', 'async']) {
      side.send({ jsonrpc: '2.0', method, id: method });
      const text = await side.nextText();
      expect(JSON.parse(text)).toEqual({
        jsonrpc: '2.0',
        id: method,
        error: { code: -32603, message: 'Internal error' },
      });
      expect(text).not.toMatch(/secret|stack|at /);
    }
    expect(reported).toEqual([
      [make(), 'sync'],
      [make(), 'async'],
    ]);
  });

  it.each([
    ['a BigInt', () => 10n],
    [
      'a cycle',
      () => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      },
    ],
    [
      'a throwing toJSON',
      () => ({
        toJSON: () => {
          throw new Error('secret');
        },
      }),
    ],
    ['a BigInt nested deep', () => ({ a: [{ b: 1n }] })],
  ])('answers an unserialisable result (%s) with -32603', async (_what, make) => {
    await using side = rawSide();
    const reported: string[] = [];
    side.peer.on('handlerError', (_e, method) => reported.push(method));
    side.peer.service.register('sync', make).register('async', async () => make());
    for (const method of ['sync', 'async']) {
      const text = await (side.send({ jsonrpc: '2.0', method, id: 1 }), side.nextText());
      expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } });
      expect(text).not.toContain('secret');
    }
    expect(reported).toEqual(['sync', 'async']);
  });

  it('answers an RpcError whose data cannot be serialised with -32603, once', async () => {
    await using side = rawSide();
    side.peer.on('handlerError', () => undefined);
    side.peer.service.register('sync', () => {
      throw new RpcError(1, 'has a bigint', 1n);
    });
    side.peer.service.register('async', async () => {
      throw new RpcError(1, 'has a bigint', 1n);
    });
    expect(await side.exchange({ jsonrpc: '2.0', method: 'sync', id: 1 })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32603, message: 'Internal error' },
    });
    expect(await side.exchange({ jsonrpc: '2.0', method: 'async', id: 2 })).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32603, message: 'Internal error' },
    });
    await side.expectSilence();
  });

  it('answers undefined, functions and symbols as null, as JSON.stringify would', async () => {
    await using side = rawSide();
    side.peer.service.register('fn', () => () => 1).register('sym', () => Symbol('x'));
    expect(await side.exchange({ jsonrpc: '2.0', method: 'fn', id: 1 })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: null,
    });
    expect(await side.exchange({ jsonrpc: '2.0', method: 'sym', id: 2 })).toEqual({
      jsonrpc: '2.0',
      id: 2,
      result: null,
    });
  });
});

describe('RpcError', () => {
  it('defaults the message of the standard codes and leaves data out of the wire form when unset', () => {
    expect(new RpcError(ErrorCode.ParseError).message).toBe('Parse error');
    expect(new RpcError(ErrorCode.InvalidRequest).message).toBe('Invalid Request');
    expect(new RpcError(ErrorCode.MethodNotFound).message).toBe('Method not found');
    expect(new RpcError(ErrorCode.InternalError).message).toBe('Internal error');
    expect(new RpcError(-32050).message).toBe('Server error');
    expect(new RpcError(1, 'x').toJSON()).toStrictEqual({ code: 1, message: 'x' });
    expect(JSON.stringify(new RpcError(1, 'x', null))).toBe('{"code":1,"message":"x","data":null}');
  });

  it('keeps the cause out of the wire form', () => {
    const error = new RpcError(1, 'x', undefined, { cause: new Error('inner secret') });
    expect(error.cause).toEqual(new Error('inner secret'));
    expect(JSON.stringify(error)).not.toContain('secret');
  });

  it('round-trips through the wire form', () => {
    const back = RpcError.fromWire(new RpcError(-32004, 'no', { a: 1 }).toJSON());
    expect(back).toBeInstanceOf(RpcError);
    expect(back).toMatchObject({ code: -32004, message: 'no', data: { a: 1 } });
  });

  it('toWireError hides everything that is not an RpcError', () => {
    expect(toWireError(new RpcError(5, 'five', [5]))).toEqual({ code: 5, message: 'five', data: [5] });
    expect(toWireError(new Error('secret'))).toEqual({ code: -32603, message: 'Internal error' });
    expect(toWireError({ code: 5, message: 'fake' })).toEqual({ code: -32603, message: 'Internal error' });
  });

  it('has the documented codes', () => {
    expect(ErrorCode).toEqual({
      ParseError: -32700,
      InvalidRequest: -32600,
      MethodNotFound: -32601,
      InvalidParams: -32602,
      InternalError: -32603,
      ConnectionClosed: -32000,
      Timeout: -32001,
      Overloaded: -32002,
      RateLimited: -32003,
      Unauthorized: -32004,
      Unavailable: -32006,
      HistoryGap: -32005,
      Cancelled: -32800,
    });
  });
});
