import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineContract } from './schema-contract.js';
import { ErrorCode, RpcError } from './errors.js';
import type { StandardSchemaV1 } from './schema.js';
import { Peer } from './peer.js';
import { Service } from './service.js';
import { connectedPair } from './testing/pair.js';
import { registerValidated, serveValidated } from './validated.js';

interface Issue {
  message: string;
  path: string[];
}
const issuesOf = (error: unknown) => (error as { data: { issues: Issue[] } }).data.issues;

// The same checks through both libraries: Tether sees only Standard Schema.
const vendors = {
  zod: {
    item: z.object({ sku: z.string(), qty: z.number() }),
    count: z.number(),
    pair: z.tuple([z.number(), z.number()]),
  },
  valibot: {
    item: v.object({ sku: v.string(), qty: v.number() }),
    count: v.number(),
    pair: v.tuple([v.number(), v.number()]),
  },
};

describe.each(Object.entries(vendors))('schemas from %s', (_vendor, s) => {
  it('register: -32602 says which param is wrong and how, and the handler does not run', async () => {
    await using pair = connectedPair();
    let ran = false;
    registerValidated(pair.service, 'cart.add', () => void (ran = true), { params: s.item });
    const error = await pair.client.call('cart.add', { sku: 'a', qty: 'ten' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, data: { method: 'cart.add' } });
    expect((error as RpcError).message).toMatch(/^Invalid params: qty: .*number/i);
    expect(issuesOf(error)).toEqual([{ path: ['qty'], message: expect.stringMatching(/number/i) }]);
    expect(ran).toBe(false);
  });

  it('register validates by-position params as a tuple, with numeric paths as strings', async () => {
    await using pair = connectedPair();
    registerValidated(pair.service, 'add', (a: number, b: number) => a + b, { params: s.pair });
    await expect(pair.client.call('add', [1, 2])).resolves.toBe(3);
    const error = await pair.client.call('add', [1, 'two']).catch((e: unknown) => e);
    expect((error as RpcError).message).toMatch(/^Invalid params: 1: /);
    expect(issuesOf(error)).toEqual([{ path: ['1'], message: expect.any(String) }]);
    await expect(pair.client.call('add', { a: 1, b: 2 })).rejects.toMatchObject({ code: -32602 });
    await expect(pair.client.call('add')).rejects.toMatchObject({ code: -32602 });
  });

  it('serve: each method checks its one argument, sent by name or as the only positional param', async () => {
    await using pair = connectedPair();
    type Api = { cart: { add(item: { sku: string; qty: number }): number; size(): number } };
    serveValidated<Api, unknown>(
      pair.service,
      { cart: { add: (item) => item.qty, size: () => 0 } },
      { cart: { add: { params: s.item } } },
    );
    const cart = pair.client.remote<Api>().cart;
    await expect(cart.add({ sku: 'a', qty: 2 })).resolves.toBe(2);
    await expect(pair.client.call('cart.add', { sku: 'a', qty: 3 })).resolves.toBe(3);
    await expect(cart.size()).resolves.toBe(0);
    const error = await cart.add({ sku: 'a', qty: 'ten' as never }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -32602, data: { issues: [{ path: ['qty'] }] } });
    expect((error as RpcError).message).toMatch(/^Invalid params: qty: /);
    await expect(pair.client.call('cart.add', [{ sku: 'a', qty: 1 }, 'extra'])).rejects.toMatchObject({
      code: -32602,
      message: 'Invalid params: cart.add takes one argument, got 2',
    });
  });

  it('a defineContract value types both sides and checks at run time', async () => {
    await using pair = connectedPair();
    const api = defineContract({ cart: { add: { params: s.item, result: s.count }, clear: { result: s.count } } });
    serveValidated<typeof api, unknown>(
      pair.service,
      {
        cart: {
          add: (item) => item.qty,
          clear: async () => 0,
        },
      },
      api,
    );
    const remote = pair.client.remote<typeof api>();
    await expect(remote.cart.add({ sku: 'a', qty: 4 })).resolves.toBe(4);
    await expect(remote.cart.clear()).resolves.toBe(0);
    // @ts-expect-error the contract says qty is a number
    await expect(remote.cart.add({ sku: 'a', qty: 'ten' })).rejects.toMatchObject({ code: -32602 });
  });
});

describe('params validation', () => {
  it('bounds what it echoes: ten issues listed, the rest counted, messages and keys clipped', async () => {
    await using pair = connectedPair();
    registerValidated(pair.service, 'many', () => 'ran', { params: z.record(z.string(), z.number()) });
    const params: Record<string, string> = {};
    for (let i = 0; i < 500; i++) params[`${'k'.repeat(1000)}${i}`] = 'x';
    const error = (await pair.client.call('many', params).catch((e: unknown) => e)) as RpcError;
    expect(error.code).toBe(-32602);
    expect(error.message.length).toBeLessThan(260);
    expect(error.message).toMatch(/\(and 499 more\)$/);
    const data = error.data as { issues: Issue[]; more: number };
    expect(data.issues).toHaveLength(10);
    expect(data.more).toBe(490);
    for (const issue of data.issues) expect(issue.path.every((p) => p.length <= 65)).toBe(true);
  });

  it('hands the handler the schema output: transforms, defaults and stripped keys apply', async () => {
    await using pair = connectedPair();
    const seen: unknown[] = [];
    registerValidated(
      pair.service,
      'event.add',
      function (this: { params: unknown }, event: unknown) {
        seen.push(event, this.params);
        return 'ok';
      },
      {
        params: z.object({
          at: z.string().transform((s) => new Date(s)),
          tags: z.array(z.string()).default(['none']),
        }),
      },
    );
    await pair.client.call('event.add', { at: '2020-01-02T03:04:05.000Z', extra: 'dropped' });
    const event = { at: new Date('2020-01-02T03:04:05.000Z'), tags: ['none'] };
    expect(seen).toEqual([event, event]);
  });

  it('awaits an async schema, both for passing and failing params', async () => {
    await using pair = connectedPair();
    const taken = new Set(['ada']);
    registerValidated(pair.service, 'name.claim', (p: { name: string }) => p.name.toUpperCase(), {
      params: z.object({
        name: z.string().refine(async (n) => !taken.has(n), { message: 'name is taken' }),
      }),
    });
    await expect(pair.client.call('name.claim', { name: 'bob' })).resolves.toBe('BOB');
    await expect(pair.client.call('name.claim', { name: 'ada' })).rejects.toMatchObject({
      code: -32602,
      message: 'Invalid params: name: name is taken',
      data: { issues: [{ message: 'name is taken', path: ['name'] }] },
    });
  });

  it('validates notifications too, silently dropping the invalid ones', async () => {
    await using pair = connectedPair();
    const seen: number[] = [];
    registerValidated(pair.service, 'tick', (n: number) => void seen.push(n), { params: z.tuple([z.number()]) });
    pair.client.notify('tick', ['bad']);
    pair.client.notify('tick', [1]);
    await pair.client.call('missing').catch(() => undefined);
    expect(seen).toEqual([1]);
  });

  it('keeps params and result schemas in the method table, for whoever describes the service', () => {
    const service = new Service();
    const item = z.object({ sku: z.string() });
    registerValidated(service, 'raw', () => 1, { params: z.tuple([z.number()]), result: z.number() });
    serveValidated<{ cart: { add(i: { sku: string }): number; plain(): void } }, unknown>(
      service,
      { cart: { add: () => 1, plain: () => undefined } },
      { cart: { add: { params: item, result: z.number() } } },
    );
    service.register('bare', () => 1);
    const listed = Object.fromEntries(service.methods.entries);
    expect(listed.raw?.schemas).toMatchObject({
      shape: 'params',
      params: expect.anything(),
      result: expect.anything(),
    });
    expect(listed['cart.add']?.schemas).toMatchObject({ shape: 'argument', params: item });
    expect(listed['cart.plain']?.schemas).toEqual({ shape: 'argument', params: undefined, result: undefined });
    expect(listed.bare?.schemas).toBeUndefined();
  });

  it('refuses, at registration, schemas for no served method and values that are not schemas', () => {
    const service = new Service();
    type Api = { cart: { add(i: { sku: string }): number } };
    const impl = { cart: { add: () => 1 } };
    // @ts-expect-error "remove" is not in the contract
    expect(() => serveValidated<Api, unknown>(service, impl, { cart: { remove: {} } })).toThrow(
      'tether: schemas are given for "cart.remove", which the implementation does not serve',
    );
    const notASchema = { parse: () => 1 } as unknown as StandardSchemaV1;
    expect(() => registerValidated(service, 'x', () => 1, { params: notASchema })).toThrow(/not a Standard Schema/);
    expect(service.methods.get('cart.add')).toBeUndefined();
  });

  it.each([
    [
      'zod',
      defineContract({
        cart: { add: { params: vendors.zod.item, result: vendors.zod.count }, clear: { result: vendors.zod.count } },
      }),
    ],
    [
      'valibot',
      defineContract({
        cart: {
          add: { params: vendors.valibot.item, result: vendors.valibot.count },
          clear: { result: vendors.valibot.count },
        },
      }),
    ],
  ] as const)(
    'types both sides of a %s contract: the caller sends the input, the handler gets the output',
    (_vendor, api) => {
      type Api = typeof api;
      const remote = new Peer().remote<Api>();
      expectTypeOf(remote.cart.add).parameters.toEqualTypeOf<[params: { sku: string; qty: number }]>();
      expectTypeOf(remote.cart.add).returns.toEqualTypeOf<Promise<number>>();
      expectTypeOf(remote.cart.clear).parameters.toEqualTypeOf<[]>();
      serveValidated<Api, unknown>(
        new Service(),
        {
          cart: {
            add(item) {
              expectTypeOf(item).toEqualTypeOf<{ sku: string; qty: number }>();
              return item.qty;
            },
            clear: () => 0,
          },
        },
        api,
      );
      // @ts-expect-error the result schema says number
      serveValidated<Api, unknown>(new Service(), { cart: { add: () => 'one', clear: () => 0 } }, api);
      const transformed = defineContract({ at: { params: z.string().transform((s) => new Date(s)) } });
      expectTypeOf(new Peer().remote<typeof transformed>().at).parameters.toEqualTypeOf<[params: string]>();
      serveValidated<typeof transformed, unknown>(
        new Service(),
        { at: (date) => expectTypeOf(date).toEqualTypeOf<Date>() },
        transformed,
      );
    },
  );

  it('types schemas against the contract they go with', () => {
    type Api = { cart: { add(item: { sku: string; qty: number }): number; pair(a: number, b: number): number } };
    const impl = { cart: { add: () => 1, pair: (a: number, b: number) => a + b } };
    const item = { params: z.object({ sku: z.string(), qty: z.number() }), result: z.number() };
    serveValidated<Api, unknown>(new Service(), impl, { cart: { add: item } });
    // @ts-expect-error the schema's output lacks qty
    serveValidated<Api, unknown>(new Service(), impl, { cart: { add: { params: z.object({ sku: z.string() }) } } });
    // @ts-expect-error the result schema says string, the contract number
    serveValidated<Api, unknown>(new Service(), impl, { cart: { add: { result: z.string() } } });
    serveValidated<Api, unknown>(new Service(), impl, {
      // @ts-expect-error a one-argument schema cannot describe a two-argument method
      cart: { pair: { params: z.tuple([z.number(), z.number()]) } },
    });
  });
});
