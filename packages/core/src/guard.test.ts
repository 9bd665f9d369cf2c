import { describe, expect, it } from 'vitest';
import type { CallContext } from './context.js';
import { ErrorCode, RpcError } from './errors.js';
import { serveSubscription } from './subscription/serving.js';
import { connectedPair } from './testing/pair.js';

describe('call guard', () => {
  it('admits or refuses each call before middleware, and hears each admitted one finish once', async () => {
    await using pair = connectedPair();
    const log: string[] = [];
    pair.service
      .setGuard({
        admit: (call: CallContext) => {
          log.push(`admit ${call.method}`);
          return call.method === 'refused'
            ? new RpcError(ErrorCode.RateLimited, 'slow down', { retryAfterMs: 5 })
            : undefined;
        },
        settled: (call: CallContext, failed: boolean) => log.push(`settled ${call.method} ${failed ? 'failed' : 'ok'}`),
        authorize: () => undefined,
      })
      .use((call, next) => {
        log.push(`middleware ${call.method}`);
        return next();
      })
      .register('sync', () => 1)
      .register('async', async () => 2)
      .register('throws', () => {
        throw new RpcError(ErrorCode.InvalidParams, 'no');
      })
      .register('refused', () => 'never');

    await expect(pair.client.call('refused')).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
      data: { retryAfterMs: 5 },
    });
    expect(log).toEqual(['admit refused']); // refused: no middleware, no settled
    log.length = 0;
    await expect(pair.client.call('sync')).resolves.toBe(1);
    await expect(pair.client.call('async')).resolves.toBe(2);
    await expect(pair.client.call('throws')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    expect(log.filter((l) => l.startsWith('settled'))).toEqual([
      'settled sync ok',
      'settled async ok',
      'settled throws failed',
    ]);
  });

  it('takes one guard per service', async () => {
    await using pair = connectedPair();
    const guard = { admit: () => undefined, settled: () => undefined, authorize: () => undefined };
    pair.service.setGuard(guard);
    expect(() => pair.service.setGuard(guard)).toThrow(/already set/);
  });

  it("asks authorize before a subscription's params schema or handler runs, and refuses with its error", async () => {
    await using pair = connectedPair();
    const ran: string[] = [];
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => {
          ran.push('schema');
          return { value };
        },
      },
    };
    pair.service.setGuard({
      admit: () => undefined,
      settled: () => undefined,
      authorize: (_call, name) =>
        name === 'secret' ? new RpcError(ErrorCode.Unauthorized, 'not you', { name }) : undefined,
    });
    const stream = () => {
      ran.push('handler');
      return (async function* () {})();
    };
    serveSubscription(pair.service, 'secret', stream, { params: schema });
    serveSubscription(pair.service, 'open', stream, { params: schema });
    await expect(pair.client.subscribe('secret', {}).ready).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
      data: { name: 'secret' },
    });
    expect(ran).toEqual([]);
    await using open = pair.client.subscribe('open', {});
    await open.ready;
    expect(ran).toEqual(['schema', 'handler']);
  });
});
