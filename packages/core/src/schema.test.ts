import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode } from './errors.js';
import { connectedPair } from './testing/pair.js';

describe('params validation with a Standard Schema (zod 4)', () => {
  it('answers -32602 with every issue and its path in data, and does not run the handler', async () => {
    await using pair = connectedPair();
    let ran = false;
    pair.service.register(
      'user.create',
      () => {
        ran = true;
      },
      { params: z.object({ name: z.string().min(1), age: z.number().int().nonnegative() }) },
    );
    const error = await pair.client.call('user.create', { name: '', age: 'old' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, message: 'Invalid params' });
    const issues = (error as { data: { issues: Array<{ message: string; path: string[] }> } }).data.issues;
    expect(issues.map((i) => i.path).sort()).toEqual([['age'], ['name']]);
    expect(issues.every((i) => typeof i.message === 'string' && i.message.length > 0)).toBe(true);
    expect(ran).toBe(false);
  });

  it('validates by-position params as a tuple, with numeric paths as strings', async () => {
    await using pair = connectedPair();
    pair.service.register('add', (a: number, b: number) => a + b, { params: z.tuple([z.number(), z.number()]) });
    await expect(pair.client.call('add', [1, 2])).resolves.toBe(3);
    await expect(pair.client.call('add', [1, 'two'])).rejects.toMatchObject({
      code: -32602,
      data: { issues: [{ path: ['1'], message: expect.any(String) }] },
    });
    await expect(pair.client.call('add', { a: 1, b: 2 })).rejects.toMatchObject({ code: -32602 });
    await expect(pair.client.call('add')).rejects.toMatchObject({ code: -32602 });
  });

  it('hands the handler the schema output: transforms, defaults and stripped keys apply', async () => {
    await using pair = connectedPair();
    const seen: unknown[] = [];
    pair.service.register(
      'event.add',
      (event: unknown) => {
        seen.push(event);
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
    expect(seen).toEqual([{ at: new Date('2020-01-02T03:04:05.000Z'), tags: ['none'] }]);
    expect(seen[0]).not.toHaveProperty('extra');
  });

  it('awaits an async schema, both for passing and failing params', async () => {
    await using pair = connectedPair();
    const taken = new Set(['ada']);
    pair.service.register('name.claim', (p: { name: string }) => p.name.toUpperCase(), {
      params: z.object({
        name: z.string().refine(async (n) => !taken.has(n), { message: 'name is taken' }),
      }),
    });
    await expect(pair.client.call('name.claim', { name: 'bob' })).resolves.toBe('BOB');
    await expect(pair.client.call('name.claim', { name: 'ada' })).rejects.toMatchObject({
      code: -32602,
      data: { issues: [{ message: 'name is taken', path: ['name'] }] },
    });
  });

  it('validates notifications too, silently dropping the invalid ones', async () => {
    await using pair = connectedPair();
    const seen: number[] = [];
    pair.service.register('tick', (n: number) => void seen.push(n), { params: z.tuple([z.number()]) });
    pair.client.notify('tick', ['bad']);
    pair.client.notify('tick', [1]);
    await pair.client.call('missing').catch(() => undefined);
    expect(seen).toEqual([1]);
  });
});
