import { describe, expect, it } from 'vitest';
import type { CallContext } from './context.js';
import { ErrorCode, RpcError } from './errors.js';
import { connectedPair } from './testing/pair.js';

describe('call guard', () => {
  it('admits or refuses each call before middleware, and hears each admitted one finish once', async () => {
    await using pair = connectedPair();
    const log: string[] = [];
    pair.service
      .setGuard({
        admit: (call: CallContext) => {
          log.push(`admit ${call.method}`);
          return call.method === 'refused' ? new RpcError(ErrorCode.RateLimited, 'slow down', { retryAfterMs: 5 }) : undefined;
        },
        settled: (call: CallContext, failed: boolean) => log.push(`settled ${call.method} ${failed ? 'failed' : 'ok'}`),
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

    await expect(pair.client.call('refused')).rejects.toMatchObject({ code: ErrorCode.RateLimited, data: { retryAfterMs: 5 } });
    expect(log).toEqual(['admit refused']); // refused: no middleware, no settled
    log.length = 0;
    await expect(pair.client.call('sync')).resolves.toBe(1);
    await expect(pair.client.call('async')).resolves.toBe(2);
    await expect(pair.client.call('throws')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    expect(log.filter((l) => l.startsWith('settled'))).toEqual(['settled sync ok', 'settled async ok', 'settled throws failed']);
  });

  it('takes one guard per service', async () => {
    await using pair = connectedPair();
    pair.service.setGuard({ admit: () => undefined, settled: () => undefined });
    expect(() => pair.service.setGuard({ admit: () => undefined, settled: () => undefined })).toThrow(/already set/);
  });
});
