import { describe, expect, it } from 'vitest';
import { connectedPair } from '../testing/pair.js';
import { serveSubscription } from './serving.js';

/** Pushes are not calls: they go straight to the subscription, past everything that serves calls. */
describe('subscription pushes, routed by kind', () => {
  const countTo = (pair: ReturnType<typeof connectedPair>) =>
    serveSubscription(pair.service, 'count', async function* (to: number) {
      for (let i = 1; i <= to; i++) yield i;
    });

  it('never reach the subscriber side’s middleware', async () => {
    await using pair = connectedPair();
    countTo(pair);
    const seen: string[] = [];
    pair.client.service.use((call, next) => {
      seen.push(call.method);
      return next();
    });
    pair.client.service.register('hello', () => 'hi');
    const got: number[] = [];
    for await (const n of pair.client.subscribe<number>('count', [3])) got.push(n);
    await pair.server.call('hello');
    expect(got).toEqual([1, 2, 3]);
    expect(seen).toEqual(['hello']);
  });

  it('are not counted as calls in flight, so a busy subscriber still gets them', async () => {
    await using pair = connectedPair({ client: { maxInFlight: 1 } });
    countTo(pair);
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      pair.client.service.register('slow', () => {
        resolve();
        return new Promise<string>((done) => (release = () => done('done')));
      });
    });
    const slow = pair.server.call('slow');
    await started;
    expect(pair.client.stats.running).toBe(1);
    const got: number[] = [];
    for await (const n of pair.client.subscribe<number>('count', [3])) got.push(n);
    expect(got).toEqual([1, 2, 3]);
    expect(pair.client.stats.running).toBe(1);
    release();
    await expect(slow).resolves.toBe('done');
  });

  it('are not served as a method: a request named rpc.subscription is not found', async () => {
    await using pair = connectedPair();
    await expect(pair.client.call('rpc.subscription', { subscription: '1', result: 1 })).rejects.toMatchObject({
      code: -32601,
    });
  });
});
