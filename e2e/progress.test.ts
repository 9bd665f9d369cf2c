import { connect, type Client, type Subscribe } from '@tether/client';
import { ErrorCode, type CallContext } from '@tether/core';
import { createServer, type TetherServer } from '@tether/server';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The contract both sides share: a long job with progress, and a typed subscription. */
type Api = {
  jobs: {
    /** Runs `steps` steps of `stepMs` each, reporting the step number after each. */
    build(options: { steps: number; stepMs: number }): { steps: number };
    chatty(options: { count: number }): string;
  };
  rooms: { messages: Subscribe<{ room: string }, { from: string; text: string }> };
};

let aborted: () => void = () => undefined;

async function server(): Promise<TetherServer> {
  const s = await createServer({ port: 0 });
  s.serve<Api>({
    jobs: {
      async build({ steps, stepMs }) {
        for (let step = 1; step <= steps; step++) {
          await new Promise((resolve) => setTimeout(resolve, stepMs));
          if (this.signal.aborted) {
            aborted();
            throw this.signal.reason;
          }
          this.progress({ step });
        }
        return { steps };
      },
      async chatty({ count }) {
        for (let i = 1; i <= count; i++) {
          this.progress(i);
          // Yield to the event loop now and then, as real work does.
          if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        return 'done';
      },
    },
  });
  s.subscriptions<Api>({
    rooms: {
      messages({ room }) {
        return s.topic(`room:${room}`);
      },
    },
  });
  cleanup.push(() => s.close({ deadline: 0 }));
  return s;
}

function client(url: string): Client {
  const c = connect(url);
  cleanup.push(() => c.close());
  return c;
}

/** A JSON-RPC client that knows nothing of Tether: raw ws and the frames docs/protocol.md shows. */
async function rawClient(url: string) {
  const ws = new WebSocket(url);
  cleanup.push(() => ws.terminate());
  const inbox: Array<Record<string, unknown>> = [];
  const waiting: Array<() => void> = [];
  ws.on('message', (data) => {
    inbox.push(JSON.parse(String(data)) as Record<string, unknown>);
    waiting.splice(0).forEach((wake) => wake());
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = async (): Promise<Record<string, unknown>> => {
    while (inbox.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    return inbox.shift()!;
  };
  return { send: (text: string) => ws.send(text), next };
}

describe('progress over a real socket', () => {
  it('reaches the caller, and keeps a call alive past its timeout while progress flows', async () => {
    const s = await server();
    const c = client(s.url);
    const remote = c.remote<Api>();
    const steps: unknown[] = [];
    // 6 steps of 100 ms: 600 ms in all, twice the 300 ms timeout, each gap well within it.
    const result = await remote
      .with({ timeout: 300, onProgress: (value) => steps.push(value) })
      .jobs.build({ steps: 6, stepMs: 100 });
    expect(result).toEqual({ steps: 6 });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6].map((step) => ({ step })));
    // The same call without progress times out: the restart is what kept it alive.
    await expect(remote.with({ timeout: 300 }).jobs.build({ steps: 6, stepMs: 100 })).rejects.toMatchObject({
      code: ErrorCode.Timeout,
    });
  });

  it('stops at maxTimeout however often progress comes, and the timeout cancels the handler', async () => {
    const s = await server();
    const c = client(s.url);
    const handlerAborted = new Promise<void>((resolve) => (aborted = resolve));
    const call = c
      .remote<Api>()
      .with({ timeout: 300, maxTimeout: 450, onProgress: () => undefined })
      .jobs.build({ steps: 10, stepMs: 100 });
    await expect(call).rejects.toMatchObject({
      code: ErrorCode.Timeout,
      message: 'tether: jobs.build timed out after 300 ms without progress, or at its maxTimeout',
    });
    await handlerAborted;
  });

  it('aborts the handler when the caller cancels, and reports nothing after', async () => {
    const s = await server();
    const c = client(s.url);
    const controller = new AbortController();
    const handlerAborted = new Promise<void>((resolve) => (aborted = resolve));
    const values: unknown[] = [];
    const call = c.call(
      'jobs.build',
      { steps: 50, stepMs: 20 },
      {
        signal: controller.signal,
        onProgress: (value) => {
          values.push(value);
          controller.abort();
        },
      },
    );
    await expect(call).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    await handlerAborted;
    expect(values).toEqual([{ step: 1 }]);
  });

  it('bounds a chatty handler: 100,000 progress values become a few frames, none after the response', async () => {
    const s = await server();
    const raw = await rawClient(s.url);
    raw.send(
      '{"jsonrpc":"2.0","id":1,"method":"jobs.chatty","params":{"count":100000,"_meta":{"progressToken":"build-1"}}}',
    );
    const progress: unknown[] = [];
    for (;;) {
      const message = await raw.next();
      if (message.id === 1) {
        expect(message).toEqual({ jsonrpc: '2.0', id: 1, result: 'done' });
        break;
      }
      expect(message).toMatchObject({ jsonrpc: '2.0', method: '$/progress', params: { token: 'build-1' } });
      progress.push((message.params as { value: unknown }).value);
    }
    // At most one frame per event-loop turn; the handler yields 100 times.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(101);
    expect(progress).toEqual([...progress].sort((a, b) => (a as number) - (b as number)));
    // Nothing follows the response: the next frame answers the next request.
    await new Promise((resolve) => setTimeout(resolve, 10));
    raw.send('{"jsonrpc":"2.0","id":2,"method":"$/ping"}');
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 2, result: null });
  });

  it('works for a raw JSON-RPC client from docs/protocol.md alone', async () => {
    const s = await server();
    const raw = await rawClient(s.url);
    raw.send(
      '{"jsonrpc":"2.0","id":5,"method":"jobs.build","params":{"steps":2,"stepMs":1,"_meta":{"progressToken":5}}}',
    );
    expect(await raw.next()).toEqual({
      jsonrpc: '2.0',
      method: '$/progress',
      params: { token: 5, value: { step: 1 } },
    });
    expect(await raw.next()).toEqual({
      jsonrpc: '2.0',
      method: '$/progress',
      params: { token: 5, value: { step: 2 } },
    });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 5, result: { steps: 2 } });
    // Without a token the same call gets its response alone.
    raw.send('{"jsonrpc":"2.0","id":6,"method":"jobs.build","params":{"steps":2,"stepMs":1}}');
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 6, result: { steps: 2 } });
  });
});

describe('typed subscriptions over a real socket', () => {
  it('delivers the declared events to client.subscriptions<Api>()', async () => {
    const s = await server();
    const c = client(s.url);
    const messages = c.subscriptions<Api>().rooms.messages({ room: 'lobby' });
    cleanup.push(() => messages.unsubscribe());
    await messages.ready;
    await s.publish('room:lobby', { from: 'ada', text: 'hi' });
    const iterator = messages[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first).toEqual({ done: false, value: { from: 'ada', text: 'hi' } });
    if (!first.done) {
      const typed: { from: string; text: string } = first.value;
      expect(typed.from).toBe('ada');
    }
  });
});

// Keeps the type of a handler's context in view: progress is on every call's context.
export type ProgressOf = CallContext['progress'];
