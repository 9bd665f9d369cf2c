import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Peer } from '@tether/core';
import { MemoryBroker } from '@tether/server';
import { startTestServer } from '@tether/server/testing';
import { bundleOptions } from '../scripts/bundle-options.mjs';
import { fakeWebSocket } from './testing/fake-socket.js';
import { manualSchedule } from './testing/manual-schedule.js';

type Bundle = typeof import('./index.js');

const scratch = mkdtempSync(join(tmpdir(), 'tether-bundle-'));
let bundle: Bundle;

// The ESM browser bundle as it ships, members renamed and all (scripts/bundle-options.mjs), run
// on Node with `ws` given as its WebSocket: each path through a renamed member, once.
beforeAll(async () => {
  const result = await build({ ...bundleOptions, format: 'esm', write: false, logLevel: 'silent' });
  const file = join(scratch, 'tether.esm.mjs');
  writeFileSync(file, result.outputFiles[0]!.contents);
  bundle = (await import(pathToFileURL(file).href)) as Bundle;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const never = () => new Promise<never>(() => {});
const reconnecting = (client: ReturnType<Bundle['connect']>) =>
  new Promise<unknown>((resolve) => client.once('reconnecting', resolve));

describe('the shipped browser bundle', () => {
  it('calls, batches, times out, cancels and queues while connecting', async () => {
    await using test = await startTestServer();
    test.server.serve({ add: (a: number, b: number) => a + b, hang: never });
    await using client = bundle.connect(test.url, { WebSocket, heartbeat: false });
    const queued = client.call('add', [1, 2]);
    expect(client.stats.queued).toBe(1);
    await expect(queued).resolves.toBe(3);
    await expect(client.remote<{ add(a: number, b: number): number }>().add(2, 3)).resolves.toBe(5);
    const outcomes = await client.batch([{ method: 'add', params: [4, 4] }, { method: 'nope' }]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 8 });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { code: bundle.ErrorCode.MethodNotFound } });
    await expect(client.call('hang', [], { timeout: 20 })).rejects.toMatchObject({
      code: bundle.ErrorCode.Timeout,
      message: 'tether: hang timed out after 20 ms',
    });
    const aborting = new AbortController();
    const cancelled = client.call('hang', [], { signal: aborting.signal });
    aborting.abort();
    await expect(cancelled).rejects.toMatchObject({ code: bundle.ErrorCode.Cancelled });
    expect(client.stats.pending).toBe(0);
  });

  it("serves the server's calls with progress, and reports a crashing handler", async () => {
    await using test = await startTestServer();
    const connected = once(test.server, 'connect') as Promise<[Peer]>;
    const logged: string[] = [];
    await using client = bundle.connect(test.url, {
      WebSocket,
      heartbeat: false,
      logger: { error: (message) => logged.push(message) },
    });
    client.register('work', async function (this: { progress(value: unknown): void }, { steps }: { steps: number }) {
      for (let i = 1; i <= steps; i++) this.progress(i);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'done';
    });
    client.register('crash', () => {
      throw new Error('boom');
    });
    const [peer] = await connected;
    const progress: unknown[] = [];
    await expect(peer.call('work', { steps: 3 }, { onProgress: (value) => progress.push(value) })).resolves.toBe(
      'done',
    );
    expect(progress.at(-1)).toBe(3);
    await expect(peer.call('crash')).rejects.toMatchObject({ code: bundle.ErrorCode.InternalError });
    expect(logged).toEqual(['tether: handler of crash threw (its caller got -32603)']);
    expect(client.stats.running).toBe(0);
  });

  it('resumes a subscription after the server restarts, nothing lost and nothing twice', async () => {
    const broker = new MemoryBroker();
    const serve = async (port?: number) => {
      const test = await startTestServer(port === undefined ? { broker } : { broker, port });
      test.server.subscription('ticks', () => test.server.topic('ticks'));
      return test;
    };
    const first = await serve();
    const client = bundle.connect(first.url, { WebSocket, heartbeat: false, reconnect: { baseDelay: 10 } });
    const seen: number[] = [];
    let arrived = () => {};
    const sub = client.subscribe<number>('ticks', undefined, {
      onEvent: (n) => {
        seen.push(n);
        arrived();
      },
    });
    const count = (n: number) => new Promise<void>((resolve) => (arrived = () => seen.length >= n && resolve()));
    await sub.ready;
    await first.server.publish('ticks', 1);
    await count(1);
    const dropped = reconnecting(client);
    await first.server.close({ deadline: 0 });
    await dropped;
    const second = await serve(first.port);
    await second.server.publish('ticks', 2);
    await count(2);
    expect(seen).toEqual([1, 2]);
    await sub.unsubscribe();
    await client.close();
    await expect(client.opened()).rejects.toMatchObject({ code: bundle.ErrorCode.ConnectionClosed });
    await second.server.close({ deadline: 0 });
  });

  it('drops a link that answers nothing, with 4408', async () => {
    const fake = fakeWebSocket();
    const timers = manualSchedule();
    const client = bundle.connect('ws://127.0.0.1:1/', {
      WebSocket: fake.WebSocket,
      schedule: timers.schedule,
      connectTimeout: 0,
      heartbeat: { interval: 1000, timeout: 500 },
    });
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    fake.last().open();
    timers.runNext();
    const dropped = reconnecting(client);
    timers.runNext();
    await expect(dropped).resolves.toMatchObject({ disconnect: { code: 4408 } });
    await client.close();
  });
});
