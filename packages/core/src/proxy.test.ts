import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CallContext } from './context.js';
import type { Remote } from './contract.js';
import type { Implementation } from './methods.js';
import { Peer } from './peer.js';
import { createRemote } from './proxy.js';
import { connectedPair } from './testing/pair.js';
import { rawSide } from './testing/raw.js';

type Api = {
  math: {
    add(a: number, b: number): number;
    stats: { mean(values: number[]): number };
  };
  user: { get(id: string): Promise<{ id: string; name: string }> };
  ping(): 'pong';
};

describe('typed proxy at run time', () => {
  it('calls nested paths with positional params', async () => {
    await using pair = connectedPair();
    pair.service.serve<Api>({
      math: {
        add: (a, b) => a + b,
        stats: { mean: (values) => values.reduce((x, y) => x + y, 0) / values.length },
      },
      user: { get: async (id) => ({ id, name: 'Ada' }) },
      ping: () => 'pong',
    });
    const remote = pair.client.remote<Api>();
    await expect(remote.math.add(1, 2)).resolves.toBe(3);
    await expect(remote.math.stats.mean([1, 2, 3])).resolves.toBe(2);
    await expect(remote.user.get('u1')).resolves.toEqual({ id: 'u1', name: 'Ada' });
    await expect(remote.ping()).resolves.toBe('pong');
  });

  it('sends exactly the dotted method and the arguments as an array', async () => {
    await using side = rawSide();
    const remote = side.peer.remote<Api>();
    const call = remote.math.stats.mean([4]);
    expect(await side.next()).toEqual({ jsonrpc: '2.0', id: 1, method: 'math.stats.mean', params: [[4]] });
    side.send({ jsonrpc: '2.0', id: 1, result: 4 });
    await expect(call).resolves.toBe(4);
  });

  it('applies the options given to remote() to every call through it', async () => {
    await using side = rawSide();
    const controller = new AbortController();
    const remote = side.peer.remote<Api>({ signal: controller.signal });
    const call = remote.ping();
    await side.next();
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: -32800 });
    expect(await side.next()).toEqual({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } });
  });

  it('is not a thenable: awaiting the proxy or a branch yields it, sending nothing', async () => {
    await using side = rawSide();
    const remote = side.peer.remote<Api>();
    expect((remote as unknown as { then?: unknown }).then).toBeUndefined();
    expect((remote.math as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await remote).toBe(remote);
    const math = await remote.math;
    expect(typeof math).toBe('function');
    await side.expectSilence();
  });

  it('is read-only', () => {
    const remote = new Peer().remote<Api>() as unknown as Record<string, unknown>;
    expect(() => {
      remote.math = 1;
    }).toThrow(/read-only/);
    expect(() => {
      delete remote.math;
    }).toThrow(/read-only/);
    expect(() => Object.defineProperty(remote, 'x', { value: 1 })).toThrow(/read-only/);
  });

  it('refuses to call the root, and ignores symbol keys', () => {
    const remote = new Peer().remote<Api>();
    expect(() => (remote as unknown as () => unknown)()).toThrow(/not callable/);
    expect((remote as unknown as Record<symbol, unknown>)[Symbol.iterator]).toBeUndefined();
    expect((remote as unknown as Record<symbol, unknown>)[Symbol.toPrimitive]).toBeUndefined();
  });
});

describe('typed proxy behaves like a function', () => {
  it('gives the same node for the same path each time', () => {
    const remote = new Peer().remote<Api>();
    expect(remote.math).toBe(remote.math);
    expect(remote.math.add).toBe(remote.math.add);
    expect(remote.math.stats.mean).toBe(remote.math.stats.mean);
    expect(remote.math.add).not.toBe(remote.math.stats);
  });

  it('refuses `new`, as a method does', () => {
    const remote = new Peer().remote<Api>() as unknown as { math: { add: new () => unknown } };
    expect(() => new remote.math.add()).toThrow(TypeError);
    expect(() => new remote.math.add()).toThrow(/not a constructor/);
    expect(() => new (remote as unknown as new () => unknown)()).toThrow(/not a constructor/);
  });

  it('supports call, apply and bind as a function does, the call going to the other side', async () => {
    await using side = rawSide();
    const { add } = side.peer.remote<Api>().math;
    const calls = [add.call(null, 1, 2), add.apply(undefined, [3, 4]), add.bind(null, 5)(6)];
    for (const [id, params] of [
      [1, [1, 2]],
      [2, [3, 4]],
      [3, [5, 6]],
    ] as const) {
      expect(await side.next()).toEqual({ jsonrpc: '2.0', id, method: 'math.add', params });
      side.send({ jsonrpc: '2.0', id, result: id });
    }
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3]);
  });
});

describe('typed proxy types', () => {
  // Calls made here only to be typed resolve at once and go nowhere.
  const remote = createRemote<Remote<Api>>(() => Promise.resolve(undefined), {});

  it('turns every method into a promise of its awaited result', () => {
    expectTypeOf(remote.math.add).parameters.toEqualTypeOf<[a: number, b: number]>();
    expectTypeOf(remote.math.add(1, 2)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(remote.math.stats.mean([1])).toEqualTypeOf<Promise<number>>();
    expectTypeOf(remote.user.get('x')).toEqualTypeOf<Promise<{ id: string; name: string }>>();
    expectTypeOf(remote.ping()).toEqualTypeOf<Promise<'pong'>>();
    expectTypeOf(new Peer().remote<Api>()).toEqualTypeOf<Remote<Api>>();
  });

  it('rejects wrong arguments, unknown methods and writes', () => {
    const check = () => {
      // @ts-expect-error a string is not a number
      void remote.math.add('1', 2);
      // @ts-expect-error too few arguments
      void remote.math.add(1);
      // @ts-expect-error too many arguments
      void remote.ping(1);
      // @ts-expect-error no such method
      void remote.math.sub(1, 2);
      // @ts-expect-error a namespace is not callable
      void remote.math();
      // @ts-expect-error the proxy is read-only
      remote.math = remote.math;
    };
    expectTypeOf(check).toBeFunction();
  });

  it('checks an implementation against the contract', () => {
    const peer = new Peer<{ user: string }>();
    peer.service.serve<Api>({
      math: {
        // `this` is the call's context, and sync or async results both fit.
        add(a, b) {
          expectTypeOf(this).toEqualTypeOf<CallContext<{ user: string }>>();
          expectTypeOf(a).toBeNumber();
          return a + b;
        },
        stats: { mean: async (values) => values.length },
      },
      user: { get: async (id) => ({ id, name: 'Ada' }) },
      ping: () => 'pong',
    });
    const ok: Implementation<Api> = {
      math: { add: (a, b) => a + b, stats: { mean: () => 0 } },
      user: { get: (id) => Promise.resolve({ id, name: '' }) },
      ping: () => 'pong',
    };
    expectTypeOf(ok).toExtend<Implementation<Api>>();
    const check = () => {
      peer.service.serve<Api>({
        math: {
          // @ts-expect-error wrong parameter type
          add: (a: string, b: number) => b,
          stats: { mean: () => 0 },
        },
        user: { get: async (id) => ({ id, name: '' }) },
        ping: () => 'pong',
      });
      peer.service.serve<Api>({
        math: {
          // @ts-expect-error wrong result type
          add: () => 'three',
          stats: { mean: () => 0 },
        },
        user: { get: async (id) => ({ id, name: '' }) },
        ping: () => 'pong',
      });
      peer.service.serve<Api>({
        // @ts-expect-error a method is missing
        math: { add: (a, b) => a + b },
        user: { get: async (id) => ({ id, name: '' }) },
        ping: () => 'pong',
      });
      peer.service.serve<Api>({
        math: { add: (a, b) => a + b, stats: { mean: () => 0 } },
        user: { get: async (id) => ({ id, name: '' }) },
        // @ts-expect-error wrong literal result
        ping: () => 'ping',
      });
    };
    expectTypeOf(check).toBeFunction();
  });
});
