import { describe, expect, it } from 'vitest';
import { connectedPair } from './pair.js';
import { idle, rawSide } from './raw.js';

/** The harness is only worth trusting if it fails where it should. */
describe('leak-checked test pair', () => {
  it('is clean after calls that completed', async () => {
    const pair = connectedPair();
    pair.service.register('echo', (x: unknown) => x);
    await pair.client.call('echo', [1]);
    await expect(pair[Symbol.asyncDispose]()).resolves.toBeUndefined();
    expect(pair.client.closed).toBe(true);
  });

  it('fails on a call still pending, then closes both sides so nothing hangs', async () => {
    const pair = connectedPair();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    pair.service.register('hang', () => {
      started();
      return new Promise(() => undefined);
    });
    const call = pair.client.call('hang', [], { timeout: 0 });
    await running;
    await expect(pair[Symbol.asyncDispose]()).rejects.toThrow(
      'test pair not clean: client: pending = 1; server#0: running = 1',
    );
    await expect(call).rejects.toMatchObject({ code: -32000 });
    expect(pair.server.closed).toBe(true);
  });

  it('fails on a message still queued by a persistent client', async () => {
    const pair = connectedPair({ client: { persistent: true } });
    await pair.drop();
    pair.client.notify('later');
    await expect(pair[Symbol.asyncDispose]()).rejects.toThrow('client: queued = 1');
  });

  it('fails on a handler error nobody took, and on a stray response', async () => {
    const pair = connectedPair();
    pair.service.register('boom', () => {
      throw new Error('boom');
    });
    await pair.client.call('boom').catch(() => undefined);
    await expect(pair[Symbol.asyncDispose]()).rejects.toThrow('untaken handler error(s) in boom');

    const strays = connectedPair();
    strays.client.service.register('fake', function () {
      // Answers a call the server never made.
      strays.client.sendRaw('{"jsonrpc":"2.0","id":77,"result":1}');
    });
    const seen = new Promise((resolve) => strays.server.once('strayResponse', resolve));
    strays.server.notify('fake');
    await seen;
    await expect(strays[Symbol.asyncDispose]()).rejects.toThrow('1 stray response(s)');
  });

  it('raw side fails on an unread message', async () => {
    const side = rawSide();
    side.send('not json');
    const call = side.peer.call('missing', [], { timeout: 0 });
    await idle(side.peer);
    await expect(side[Symbol.asyncDispose]()).rejects.toThrow(/pending = 1; 2 unread message\(s\)/);
    await expect(call).rejects.toMatchObject({ code: -32000 });
  });
});
