import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, RpcError } from './errors.js';
import type { HandlerTree } from './methods.js';
import { Peer } from './peer.js';
import { connectedPair } from './testing/pair.js';
import { idle, rawSide } from './testing/raw.js';

const request = (method: string, params?: unknown, id: unknown = 1) =>
  params === undefined ? { jsonrpc: '2.0', method, id } : { jsonrpc: '2.0', method, params, id };

describe('serving', () => {
  it('serves a method registered by name', async () => {
    await using side = rawSide();
    side.peer.service.register('ping', () => 'pong');
    expect(await side.exchange(request('ping'))).toEqual({ jsonrpc: '2.0', id: 1, result: 'pong' });
  });

  it('serves a namespace tree under dotted names, at any depth', async () => {
    await using side = rawSide();
    side.peer.service.serve({ math: { add: (a: number, b: number) => a + b, deep: { neg: (a: number) => -a } } });
    expect(await side.exchange(request('math.add', [2, 3]))).toMatchObject({ result: 5 });
    expect(await side.exchange(request('math.deep.neg', [4]))).toMatchObject({ result: -4 });
    expect(await side.exchange(request('math'))).toMatchObject({ error: { code: ErrorCode.MethodNotFound } });
    expect(await side.exchange(request('math.deep'))).toMatchObject({ error: { code: ErrorCode.MethodNotFound } });
  });

  it('passes by-position params as arguments and by-name params as one object', async () => {
    await using side = rawSide();
    const seen: unknown[][] = [];
    side.peer.service.register('record', (...args: unknown[]) => {
      seen.push(args);
      return args.length;
    });
    expect(await side.exchange(request('record', [1, 'two', { three: 3 }]))).toMatchObject({ result: 3 });
    expect(await side.exchange(request('record', { a: 1, b: [2] }))).toMatchObject({ result: 1 });
    expect(await side.exchange(request('record', []))).toMatchObject({ result: 0 });
    expect(await side.exchange(request('record'))).toMatchObject({ result: 0 });
    expect(seen).toEqual([[1, 'two', { three: 3 }], [{ a: 1, b: [2] }], [], []]);
  });

  it('answers a handler returning undefined with result null (a response must carry result)', async () => {
    await using side = rawSide();
    side.peer.service.register('nothing', () => undefined);
    expect(await side.exchange(request('nothing'))).toEqual({ jsonrpc: '2.0', id: 1, result: null });
  });

  it('runs notifications without answering, even when they fail or name no method', async () => {
    await using side = rawSide();
    const ran: string[] = [];
    side.peer.service.register('log', (line: string) => void ran.push(line));
    side.peer.service.register('boom', () => {
      throw new Error('boom');
    });
    side.peer.service.register('asyncBoom', async () => Promise.reject(new Error('boom')));
    const errors: string[] = [];
    side.peer.on('handlerError', (_e, method) => errors.push(method));
    side.send({ jsonrpc: '2.0', method: 'log', params: ['a'] });
    side.send({ jsonrpc: '2.0', method: 'boom' });
    side.send({ jsonrpc: '2.0', method: 'asyncBoom' });
    side.send({ jsonrpc: '2.0', method: 'missing' });
    await side.expectSilence();
    expect(ran).toEqual(['a']);
    expect(errors).toEqual(['boom', 'asyncBoom']);
  });

  it('answers -32002 beyond maxInFlight running calls, and serves again once they finish', async () => {
    await using side = rawSide({ maxInFlight: 2 });
    const release: Array<() => void> = [];
    side.peer.service.register('hold', () => new Promise<void>((resolve) => release.push(resolve)));
    side.send(request('hold', undefined, 1));
    side.send(request('hold', undefined, 2));
    expect(await side.exchange(request('hold', undefined, 3))).toMatchObject({
      id: 3,
      error: { code: ErrorCode.Overloaded, message: 'Too many calls in flight (limit 2)' },
    });
    expect(side.peer.stats.running).toBe(2);
    for (const r of release.splice(0)) r();
    expect([await side.next(), await side.next()]).toEqual([
      { jsonrpc: '2.0', id: 1, result: null },
      { jsonrpc: '2.0', id: 2, result: null },
    ]);
    side.send(request('hold', undefined, 4));
    await side.expectSilence();
    release[0]?.();
    expect(await side.next()).toMatchObject({ id: 4, result: null });
  });
});

describe('incoming batches', () => {
  it('answers every request of a batch in one array, none for its notifications', async () => {
    await using side = rawSide();
    side.peer.service.register('echo', (x: unknown) => x);
    side.peer.service.register('later', async (x: unknown) => x);
    const reply = await side.exchange([
      request('echo', [1], 'a'),
      { jsonrpc: '2.0', method: 'echo', params: [2] },
      request('later', [3], 'b'),
      request('missing', [], 'c'),
    ]);
    expect(reply).toEqual([
      { jsonrpc: '2.0', id: 'a', result: 1 },
      { jsonrpc: '2.0', id: 'b', result: 3 },
      {
        jsonrpc: '2.0',
        id: 'c',
        error: { code: -32601, message: 'Method not found: missing', data: { method: 'missing' } },
      },
    ]);
    await side.expectSilence();
  });

  it('sends nothing at all for a batch of notifications (not an empty array)', async () => {
    await using side = rawSide();
    side.peer.service.register('echo', (x: unknown) => x);
    side.send([
      { jsonrpc: '2.0', method: 'echo', params: [1] },
      { jsonrpc: '2.0', method: 'nope' },
    ]);
    await side.expectSilence();
  });

  it('answers an empty batch with one -32600 error object', async () => {
    await using side = rawSide();
    expect(await side.exchange([])).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid Request' },
    });
    await side.expectSilence();
  });

  it('answers each request of a batch longer than maxBatch with -32600 under its own id (invalid entries as ever), and runs none of it', async () => {
    await using side = rawSide({ maxBatch: 3 });
    let ran = 0;
    side.peer.service.register('count', () => ++ran);
    const tooLarge = { code: -32600, message: 'Batch too large: 6 > 3' };
    const batch = [
      request('count', [], 0),
      { jsonrpc: '2.0', method: 'count' },
      request('count', [], 'b'),
      42,
      { foo: 'boo' },
      request('count', [], { not: 'an id' }),
    ];
    const invalid = { code: -32600, message: 'Invalid Request' };
    expect(await side.exchange(batch)).toEqual([
      { jsonrpc: '2.0', id: 0, error: tooLarge },
      { jsonrpc: '2.0', id: 'b', error: tooLarge },
      { jsonrpc: '2.0', id: null, error: invalid },
      { jsonrpc: '2.0', id: null, error: invalid },
      { jsonrpc: '2.0', id: null, error: invalid },
    ]);
    expect(ran).toBe(0);
    expect(await side.exchange(batch.slice(0, 3))).toHaveLength(2);
  });

  it('sends nothing for a batch of notifications longer than maxBatch', async () => {
    await using side = rawSide({ maxBatch: 1 });
    let ran = 0;
    side.peer.service.register('count', () => ++ran);
    side.send([
      { jsonrpc: '2.0', method: 'count' },
      { jsonrpc: '2.0', method: 'count' },
    ]);
    await side.expectSilence();
    expect(ran).toBe(0);
  });

  it('still settles our own calls answered in a batch longer than maxBatch', async () => {
    await using side = rawSide({ maxBatch: 1 });
    const results = side.peer.batch([{ method: 'a' }, { method: 'b' }]);
    await side.next();
    side.send([
      { jsonrpc: '2.0', id: 1, result: 'A' },
      { jsonrpc: '2.0', id: 2, result: 'B' },
    ]);
    expect(await results).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'fulfilled', value: 'B' },
    ]);
    await side.expectSilence();
  });

  it('rejects every call of an over-long batch at once, not at its timeout', async () => {
    await using pair = connectedPair({ server: { maxBatch: 2 }, client: { timeout: 0 } });
    pair.service.register('n', () => 1);
    const results = await pair.client.batch([
      { method: 'n' },
      { method: 'n', notification: true },
      { method: 'n' },
      { method: 'n' },
    ]);
    expect(results).toEqual(
      Array.from({ length: 3 }, () => ({
        status: 'rejected',
        reason: expect.objectContaining({ code: ErrorCode.InvalidRequest, message: 'Batch too large: 4 > 2' }),
      })),
    );
  });

  it('defaults maxBatch to 100', async () => {
    await using side = rawSide();
    side.peer.service.register('n', () => 1);
    const batch = (n: number) => Array.from({ length: n }, (_, i) => request('n', [], i));
    expect(await side.exchange(batch(100))).toHaveLength(100);
    const refused = (await side.exchange(batch(101))) as unknown[];
    expect(refused).toHaveLength(101);
    expect(refused[100]).toMatchObject({ id: 100, error: { code: -32600, message: 'Batch too large: 101 > 100' } });
  });
});

describe('handler context', () => {
  it('gives handlers the connection data, the method, params and id', async () => {
    await using side = rawSide({ data: { user: 'ada' } });
    side.peer.service.register(
      'whoami',
      function (this: { data: { user: string }; method: string; id: unknown; params: unknown }) {
        return [this.data.user, this.method, this.id, this.params];
      },
    );
    expect(await side.exchange(request('whoami', { x: 1 }, 'q'))).toMatchObject({
      result: ['ada', 'whoami', 'q', { x: 1 }],
    });
  });

  it('lets a handler call back the other side mid-call through this.peer', async () => {
    await using pair = connectedPair();
    pair.client.service.register('client.name', () => 'browser');
    pair.service.register('greet', async function () {
      return `hello ${await this.peer.call<string>('client.name')}`;
    });
    await expect(pair.client.call('greet')).resolves.toBe('hello browser');
  });

  it('aborts this.signal when the caller cancels', async () => {
    await using pair = connectedPair({ allowStrays: true });
    const reasons: unknown[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    pair.service.register('wait', function () {
      started();
      return new Promise((_, reject) =>
        this.signal.addEventListener('abort', () => {
          reasons.push(this.signal.reason);
          reject(this.signal.reason);
        }),
      );
    });
    const controller = new AbortController();
    const call = pair.client.call('wait', [], { signal: controller.signal });
    await running;
    const strayed = new Promise((resolve) => pair.client.once('strayResponse', resolve));
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    // The cancelled handler still answers (with -32800); the caller has stopped listening.
    expect(await strayed).toMatchObject({ error: { code: ErrorCode.Cancelled } });
    expect(reasons).toEqual([expect.objectContaining({ code: ErrorCode.Cancelled })]);
  });

  it('aborts this.signal when the connection closes', async () => {
    await using pair = connectedPair();
    let started!: (signal: AbortSignal) => void;
    const running = new Promise<AbortSignal>((resolve) => (started = resolve));
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    pair.service.register('wait', function () {
      started(this.signal);
      return new Promise<void>((resolve) => this.signal.addEventListener('abort', () => resolve()));
    });
    pair.server.on('close', () => queueMicrotask(finished));
    const call = pair.client.call('wait');
    const signal = await running;
    await pair.drop();
    await expect(call).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await done;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ code: ErrorCode.ConnectionClosed });
    expect(pair.server.stats.running).toBe(0);
  });
});

describe('handler failures', () => {
  const boom = () => {
    throw new Error('secret detail');
  };

  it('logs a non-RpcError once, with the method and the stack, when nobody listens for handlerError', async () => {
    const logged: unknown[][] = [];
    await using side = rawSide({ logger: { error: (...args: unknown[]) => void logged.push(args) } });
    side.peer.service.register('boom', boom);
    expect(await side.exchange(request('boom'))).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32603, message: 'Internal error' },
    });
    expect(logged).toHaveLength(1);
    const [message, error] = logged[0] as [string, Error];
    expect(message).toBe('tether: handler of boom threw (its caller got -32603)');
    expect(error.message).toBe('secret detail');
    expect(error.stack).toMatch(/dispatch\.test\.ts/);
  });

  it('logs nothing when a handlerError listener takes it', async () => {
    const logged: unknown[][] = [];
    await using side = rawSide({ logger: { error: (...args: unknown[]) => void logged.push(args) } });
    const taken: string[] = [];
    side.peer.on('handlerError', (_error, method) => taken.push(method));
    side.peer.service.register('boom', boom);
    await side.exchange(request('boom'));
    expect(taken).toEqual(['boom']);
    expect(logged).toEqual([]);
  });

  it('logs to console.error by default', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await using side = rawSide();
      side.peer.service.register('boom', boom);
      await side.exchange(request('boom'));
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy).toHaveBeenCalledWith(
        expect.stringContaining('boom'),
        expect.objectContaining({ message: 'secret detail' }),
      );
    } finally {
      spy.mockRestore();
    }
  });
});

describe('nested calls', () => {
  const nestedFailure = (method: string, code: number) => ({
    code: ErrorCode.InternalError,
    message: `Internal error: nested call ${method} failed`,
    data: { nested: { method, code } },
  });

  it('does not pass on a nested call’s -32601 as if the caller’s own method were missing', async () => {
    await using pair = connectedPair();
    pair.service.register('greet', async function () {
      return `hello ${await this.peer.call<string>('client.name')}`;
    });
    await expect(pair.client.call('greet')).rejects.toMatchObject(nestedFailure('client.name', -32601));
    expect(pair.takeHandlerErrors()).toEqual([
      { method: 'greet', error: expect.objectContaining({ code: -32601, message: 'Method not found: client.name' }) },
    ]);
  });

  it('wraps any error of a nested call, the other way round too (a client handler calling the server)', async () => {
    await using pair = connectedPair();
    pair.service.register('refuse', () => {
      throw new RpcError(-32010, 'No', { secret: 'kept on the server' });
    });
    pair.client.service.register('ask', async function () {
      return this.peer.call('refuse');
    });
    await expect(pair.server.call('ask')).rejects.toMatchObject(nestedFailure('refuse', -32010));
    expect(pair.takeHandlerErrors()).toEqual([{ method: 'ask', error: expect.objectContaining({ code: -32010 }) }]);
  });

  it('wraps a nested call’s local failure (its timeout) as well', async () => {
    await using pair = connectedPair({ allowStrays: true });
    pair.client.service.register('slow', function () {
      return new Promise((_, reject) => this.signal.addEventListener('abort', () => reject(this.signal.reason)));
    });
    pair.service.register('outer', async function () {
      return this.peer.call('slow', [], { timeout: 1 });
    });
    await expect(pair.client.call('outer')).rejects.toMatchObject(nestedFailure('slow', ErrorCode.Timeout));
    await idle(pair.client);
    expect(pair.takeHandlerErrors()).toEqual([
      { method: 'outer', error: expect.objectContaining({ code: ErrorCode.Timeout }) },
    ]);
  });

  it('reports no nested failure of a call whose own caller left (the connection closed)', async () => {
    await using pair = connectedPair();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    pair.client.service.register('client.wait', function () {
      started();
      return new Promise((_, reject) => this.signal.addEventListener('abort', () => reject(this.signal.reason)));
    });
    let failed!: (error: unknown) => void;
    const failure = new Promise((resolve) => (failed = resolve));
    pair.service.register('outer', async function () {
      try {
        return await this.peer.call('client.wait');
      } catch (error) {
        failed(error);
        throw error;
      }
    });
    const call = pair.client.call('outer');
    await running;
    const server = pair.server;
    await pair.drop();
    await expect(call).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await expect(failure).resolves.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await idle(server);
    expect(pair.takeHandlerErrors()).toEqual([]);
    await idle(pair.client);
  });

  it('passes on a nested error the handler rethrows as an RpcError of its own', async () => {
    await using pair = connectedPair();
    pair.service.register('greet', async function () {
      try {
        return await this.peer.call('client.name');
      } catch (error) {
        const { code, message, data } = error as RpcError;
        throw new RpcError(code, message, data);
      }
    });
    await expect(pair.client.call('greet')).rejects.toMatchObject({
      code: -32601,
      message: 'Method not found: client.name',
    });
  });
});

describe('method lookup', () => {
  it('names the method it did not find, in the message and in data.method', async () => {
    await using side = rawSide();
    expect(await side.exchange(request('foo.bar'))).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32601, message: 'Method not found: foo.bar', data: { method: 'foo.bar' } },
    });
  });

  it('echoes at most 128 characters of a long method name', async () => {
    await using side = rawSide();
    const name = 'x'.repeat(10_000);
    const cut = `${'x'.repeat(128)}…`;
    expect(await side.exchange(request(name))).toMatchObject({
      error: { code: -32601, message: `Method not found: ${cut}`, data: { method: cut } },
    });
  });

  const inherited = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

  it('never resolves inherited properties, at the root or inside a served namespace', async () => {
    await using side = rawSide();
    class Tools {
      inherited() {
        return 'from the prototype';
      }
    }
    const tools = Object.assign(new Tools(), { own: () => 'own' });
    // A class instance is no HandlerTree to the type checker; served anyway, its prototype stays out.
    side.peer.service.serve({ math: { add: (a: number, b: number) => a + b }, tools: tools as unknown as HandlerTree });
    const names = [
      ...inherited,
      ...inherited.map((n) => `math.${n}`),
      ...inherited.map((n) => `tools.${n}`),
      '__proto__.toString',
      'math.__proto__.toString',
      'math.add.call',
      'math.add.constructor',
      'tools.inherited',
    ];
    for (const [i, name] of names.entries()) {
      expect(await side.exchange(request(name, [1, 2], i))).toEqual({
        jsonrpc: '2.0',
        id: i,
        error: { code: -32601, message: `Method not found: ${name}`, data: { method: name } },
      });
    }
    expect(await side.exchange(request('tools.own'))).toMatchObject({ result: 'own' });
  });

  it('does not serve a tree key named __proto__ through the prototype chain', async () => {
    await using side = rawSide();
    const tree = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    side.peer.service.serve({ ...(tree as object), safe: () => 1 } as never);
    expect(await side.exchange(request('__proto__.x'))).toMatchObject({ error: { code: -32601 } });
    expect(await side.exchange(request('x'))).toMatchObject({ error: { code: -32601 } });
  });

  it('refuses to register reserved names (rpc.*, $/...), the empty name and duplicates', () => {
    const peer = new Peer();
    const fn = () => 1;
    expect(() => peer.service.register('rpc.discover', fn)).toThrow(/reserved/);
    expect(() => peer.service.register('rpc.subscribe', fn)).toThrow(/reserved/);
    expect(() => peer.service.register('$/cancelRequest', fn)).toThrow(/reserved/);
    expect(() => peer.service.register('$/anything', fn)).toThrow(/reserved/);
    expect(() => peer.service.serve({ rpc: { mine: fn } })).toThrow(/reserved/);
    expect(() => peer.service.register('', fn)).toThrow(/reserved/);
    expect(() => peer.service.register('not.a.function', 42 as never)).toThrow(TypeError);
    peer.service.register('once', fn);
    expect(() => peer.service.register('once', fn)).toThrow(/already registered/);
    // Names merely containing the prefixes are the user's.
    expect(() => peer.service.register('myrpc.x', fn).register('a$/b', fn).register('rpc', fn)).not.toThrow();
  });

  it('answers $/ping with result null on every peer, and nothing for a $/ping notification', async () => {
    await using side = rawSide();
    expect(await side.exchange(request('$/ping', undefined, 'p'))).toEqual({ jsonrpc: '2.0', id: 'p', result: null });
    side.send({ jsonrpc: '2.0', method: '$/ping' });
    await side.expectSilence();
    expect(() => side.peer.service.register('$/ping', () => 'mine')).toThrow(/reserved/);
  });

  it('lets no one call a reserved name as a method', async () => {
    await using side = rawSide();
    expect(await side.exchange(request('$/cancelRequest', { id: 1 }))).toMatchObject({
      id: 1,
      error: { code: -32601 },
    });
  });
});
