import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from './errors.js';
import { withMeta } from './meta.js';
import type { CallContext } from './context.js';
import type { CallInterceptor } from './peer.js';
import { connectedPair } from './testing/pair.js';
import { rawSide } from './testing/raw.js';
import type { Params } from './wire.js';

describe('PeerOptions.intercept', () => {
  it('sees each call with its wire id, sends the params it returns, and hears how each call ended', async () => {
    const seen: Array<[string, Params | undefined, number]> = [];
    const outcomes: string[] = [];
    const intercept: CallInterceptor = (method, params, id, outcome) => {
      seen.push([method, params, id]);
      outcome.then(
        () => outcomes.push(`${method} ok`),
        (error: RpcError) => outcomes.push(`${method} ${error.code}`),
      );
      return withMeta(params, { traceparent: `t${id}` });
    };
    await using side = rawSide({ intercept });
    const named = side.peer.call('named', { a: 1, _meta: { progressToken: 7 } });
    const positional = side.peer.call('positional', [1, 2]);
    expect(await side.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method: 'named',
      params: { a: 1, _meta: { progressToken: 7, traceparent: 't1' } },
    });
    expect(await side.next()).toEqual({ jsonrpc: '2.0', id: 2, method: 'positional', params: [1, 2] });
    side.send({ jsonrpc: '2.0', id: 1, result: 'one' });
    side.send({ jsonrpc: '2.0', id: 2, error: { code: ErrorCode.InvalidParams, message: 'no' } });
    await expect(named).resolves.toBe('one');
    await expect(positional).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    expect(seen).toEqual([
      ['named', { a: 1, _meta: { progressToken: 7 } }, 1],
      ['positional', [1, 2], 2],
    ]);
    expect(outcomes).toEqual(['named ok', `positional ${ErrorCode.InvalidParams}`]);
  });

  it('is not asked about a call that never goes out (aborted before it was made)', async () => {
    let asked = 0;
    await using pair = connectedPair({ client: { intercept: (_m, params) => (asked++, params) } });
    pair.service.register('echo', (v: unknown) => v);
    await expect(pair.client.call('echo', [1], { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: ErrorCode.Cancelled,
    });
    expect(asked).toBe(0);
    await expect(pair.client.call('echo', [1])).resolves.toBe(1);
    expect(asked).toBe(1);
  });
});

describe('CallContext.meta', () => {
  it("hands middleware and handler the caller's _meta, taken out of params, beside a progress token", async () => {
    const seen: unknown[] = [];
    await using pair = connectedPair({
      client: { intercept: (_method, params) => withMeta(params, { traceparent: 'tp' }) },
    });
    pair.service.use((call, next) => {
      seen.push(['middleware', call.meta, call.params]);
      return next();
    });
    pair.service.register('work', function (this: CallContext, p: { n: number }) {
      seen.push(['handler', this.meta, p]);
      return p.n;
    });
    await expect(pair.client.call('work', { n: 1 }, { onProgress: () => undefined })).resolves.toBe(1);
    expect(seen).toEqual([
      ['middleware', { progressToken: 1, traceparent: 'tp' }, { n: 1 }],
      ['handler', { progressToken: 1, traceparent: 'tp' }, { n: 1 }],
    ]);
  });
});

describe('_meta helpers', () => {
  it('merge into params by name only', () => {
    expect(withMeta({ a: 1 }, { x: '1' })).toEqual({ a: 1, _meta: { x: '1' } });
    expect(withMeta({ _meta: { x: '0', y: 2 } }, { x: '1' })).toEqual({ _meta: { x: '1', y: 2 } });
    expect(withMeta([1], { x: '1' })).toEqual([1]);
    expect(withMeta(undefined, { x: '1' })).toBeUndefined();
  });
});
