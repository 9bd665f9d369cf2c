import { connect } from '@tether/client';
import { defineContract } from '@tether/core';
import { createServer } from '@tether/server';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// A typed contract used to check nothing at run time: `qty: "ten"` reached the handler.
describe('runtime validation with the compile-time check kept', () => {
  it('serve<Api>(impl, schemas) refuses qty: "ten" with a message naming the param', async () => {
    type Api = { cart: { add(item: { sku: string; qty: number }): number } };
    await using server = await createServer({ port: 0 });
    const added: unknown[] = [];
    server.serve<Api>(
      { cart: { add: (item) => added.push(item) } },
      { cart: { add: { params: z.object({ sku: z.string(), qty: z.number() }) } } },
    );
    await using client = connect(server.url);
    const cart = client.remote<Api>().cart;
    await expect(cart.add({ sku: 'apple', qty: 2 })).resolves.toBe(1);
    const error = await cart.add({ sku: 'apple', qty: 'ten' as never }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/^Invalid params: qty: .*expected number/),
      data: { method: 'cart.add', issues: [{ path: ['qty'], message: expect.stringContaining('expected number') }] },
    });
    expect(added).toEqual([{ sku: 'apple', qty: 2 }]);
  });

  it('a valibot defineContract gives both sides their types and the server its check', async () => {
    const api = defineContract({
      cart: { add: { params: v.object({ sku: v.string(), qty: v.number() }), result: v.number() } },
    });
    await using server = await createServer({ port: 0 });
    server.serve<typeof api>({ cart: { add: ({ qty }) => qty * 2 } }, api);
    await using client = connect(server.url);
    const cart = client.remote<typeof api>().cart;
    await expect(cart.add({ sku: 'apple', qty: 2 })).resolves.toBe(4);
    // @ts-expect-error the contract says qty is a number
    await expect(cart.add({ sku: 'apple', qty: 'ten' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/^Invalid params: qty: /),
    });
    // A standard JSON-RPC client sends the argument by name.
    await expect(client.call('cart.add', { sku: 'apple', qty: 3 })).resolves.toBe(6);
  });

  it('rpc.discover describes a method served with schemas: its argument by name, its result', async () => {
    const api = defineContract({
      cart: { add: { params: z.object({ sku: z.string(), qty: z.number() }), result: z.number() } },
    });
    await using server = await createServer({ port: 0 });
    server.serve<typeof api>({ cart: { add: ({ qty }) => qty } }, api);
    const add = server.openrpc().methods.find((m) => m.name === 'cart.add');
    expect(add).toMatchObject({
      paramStructure: 'by-name',
      params: [
        { name: 'sku', schema: { type: 'string' }, required: true },
        { name: 'qty', schema: { type: 'number' }, required: true },
      ],
      result: { schema: { type: 'number' } },
    });
  });
});
