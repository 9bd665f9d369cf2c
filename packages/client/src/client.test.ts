import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tether/core';
import { connect, type Client } from './client.js';
import type { ClientOptions } from './options.js';
import { fakeWebSocket } from './testing/fake-socket.js';
import { manualSchedule } from './testing/manual-schedule.js';

const URL = 'ws://127.0.0.1:1/';
const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

/** A client on scripted sockets and hand-run timers, with every event it emits in order. */
async function setup(options: ClientOptions<unknown> = {}) {
  const fake = fakeWebSocket();
  const timers = manualSchedule();
  const client = connect(URL, {
    WebSocket: fake.WebSocket,
    schedule: timers.schedule,
    connectTimeout: 0,
    ...options,
    reconnect: { random: () => 0.5, baseDelay: 100, ...options.reconnect },
  });
  const events: string[] = [];
  client.on('connecting', ({ attempt }) => events.push(`connecting ${attempt}`));
  client.on('open', () => events.push('open'));
  client.on('reconnecting', ({ attempt, delay }) => events.push(`reconnecting ${attempt} ${delay}`));
  client.on('closed', ({ why }) => events.push(`closed ${why}`));
  await tick();
  return { client, fake, timers, events };
}

function answer(client: Client, socket: ReturnType<ReturnType<typeof fakeWebSocket>['last']>, result: unknown): void {
  for (const request of socket.requests()) {
    if (request.id !== undefined) socket.receive(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }));
  }
  expect(client.stats.pending).toBe(0);
}

describe('client state machine', () => {
  it('moves connecting → open → reconnecting → open, one socket at a time', async () => {
    const { client, fake, timers, events } = await setup();
    expect(client.status).toBe('connecting');
    fake.last().open();
    expect(client.status).toBe('open');
    fake.last().drop(1006);
    expect(client.status).toBe('reconnecting');
    expect(fake.sockets).toHaveLength(1);
    expect(timers.runNext()).toBe(50); // random 0.5 of the 100 ms first ceiling
    expect(fake.sockets).toHaveLength(2);
    fake.last().open();
    expect(events).toEqual(['connecting 0', 'open', 'reconnecting 1 50', 'connecting 1', 'open']);
    await client.close();
  });

  it('doubles the backoff ceiling per failed attempt and starts over after an open', async () => {
    const { client, fake, timers, events } = await setup();
    fake.last().drop(1006);
    timers.runNext();
    fake.last().drop(1006);
    timers.runNext();
    fake.last().drop(1006);
    timers.runNext();
    fake.last().open();
    fake.last().drop(1001);
    expect(events.filter((e) => e.startsWith('reconnecting'))).toEqual([
      'reconnecting 1 50',
      'reconnecting 2 100',
      'reconnecting 3 200',
      'reconnecting 1 50',
    ]);
    await client.close();
  });

  it('queues calls made before the first open and while reconnecting, and sends them on open', async () => {
    const { client, fake, timers } = await setup();
    const early = client.call('early', [1]);
    fake.last().open();
    expect(
      fake
        .last()
        .requests()
        .map((r) => r.method),
    ).toEqual(['early']);
    answer(client, fake.last(), 'e');
    await expect(early).resolves.toBe('e');

    fake.last().drop(1006);
    const offline = client.remote<{ sum(a: number, b: number): number }>().sum(2, 3);
    expect(client.notify('note')).toBe(true);
    expect(client.stats.queued).toBe(2);
    timers.runNext();
    fake.last().open();
    expect(fake.last().requests()).toMatchObject([{ method: 'sum', params: [2, 3] }, { method: 'note' }]);
    answer(client, fake.last(), 5);
    await expect(offline).resolves.toBe(5);
    await client.close();
  });

  it('rejects calls in flight at a drop with ConnectionClosed, and keeps the queue', async () => {
    const { client, fake } = await setup();
    fake.last().open();
    const inFlight = client.call('slow');
    fake.last().drop(1006, 'gone');
    await expect(inFlight).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed, data: { code: 1006 } });
    const queued = client.call('later');
    expect(client.stats).toMatchObject({ pending: 1, queued: 1 });
    await client.close();
    await expect(queued).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
  });

  it('fails a queued call after its timeout, never sending it', async () => {
    const { client, fake, timers } = await setup();
    fake.last().drop(1006);
    const call = client.call('late', undefined, { timeout: 1 });
    await expect(call).rejects.toMatchObject({ code: ErrorCode.Timeout });
    timers.runNext();
    fake.last().open();
    expect(fake.last().sent).toEqual([]);
    await client.close();
  });

  it('rejects calls at once when the offline queue is full', async () => {
    const { client } = await setup({ maxQueued: 1 });
    const first = client.call('a');
    await expect(client.call('b')).rejects.toMatchObject({ code: ErrorCode.Overloaded });
    await client.close();
    await expect(first).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
  });

  it('gives up after maxRetries failed attempts in a row, rejecting what is queued', async () => {
    const { client, fake, timers, events } = await setup({ reconnect: { maxRetries: 2 } });
    const queued = client.call('never');
    const opened = client.opened();
    fake.last().drop(1006);
    timers.runNext();
    fake.last().drop(1006);
    timers.runNext();
    fake.last().drop(1006);
    expect(client.status).toBe('closed');
    expect(timers.delays()).toEqual([]);
    expect(events.at(-1)).toBe('closed exhausted');
    await expect(queued).rejects.toMatchObject({
      code: ErrorCode.ConnectionClosed,
      message: expect.stringContaining(`gave up after 2 retries: cannot connect to ${URL}: no reason given`),
    });
    await expect(opened).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await expect(client.opened()).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
  });

  it('never reconnects with maxRetries 0', async () => {
    const { client, fake, events } = await setup({ reconnect: { maxRetries: 0 } });
    fake.last().open();
    fake.last().drop(1001);
    expect(client.status).toBe('closed');
    expect(events).toEqual(['connecting 0', 'open', 'closed exhausted']);
  });

  it('stops at once on a policy close or a refused upgrade, saying why', async () => {
    const policy = await setup();
    const closed = new Promise((resolve) => policy.client.once('closed', resolve));
    policy.fake.last().open();
    policy.fake.last().drop(1008, 'banned');
    await expect(closed).resolves.toMatchObject({
      why: 'refused',
      reason: `refused: connection to ${URL} closed (1008 banned)`,
    });
    expect(policy.timers.delays()).toEqual([]);

    const upgrade = await setup();
    upgrade.fake.last().upgradeStatus = 401;
    upgrade.fake.last().drop(1006);
    expect(upgrade.client.status).toBe('closed');
    expect(upgrade.events.at(-1)).toBe('closed refused');
    await expect(upgrade.client.call('x')).rejects.toMatchObject({ message: expect.stringContaining('HTTP 401') });
  });

  it('lets a custom policy decide what is retryable', async () => {
    const { client, fake } = await setup({ reconnect: { retryable: (info) => info.code !== 4000 } });
    fake.last().open();
    fake.last().drop(1008);
    expect(client.status).toBe('reconnecting');
    await client.close();
  });

  it('abandons a socket that does not open within connectTimeout and retries', async () => {
    const { client, fake, timers } = await setup({ connectTimeout: 5000 });
    const reconnecting = new Promise((resolve) => client.once('reconnecting', resolve));
    expect(timers.delays()).toEqual([5000]);
    timers.runNext();
    await expect(reconnecting).resolves.toMatchObject({
      attempt: 1,
      disconnect: { code: 1006, reason: 'connect timeout (5000 ms)' },
    });
    expect(fake.sockets[0]?.closedWith).toBeDefined();
    await client.close();
  });

  it('treats a WebSocket constructor that throws as a refusal', async () => {
    const { client, events } = await setup({
      WebSocket: class {
        constructor() {
          throw new SyntaxError('bad subprotocol');
        }
      } as never,
    });
    expect(client.status).toBe('closed');
    expect(events).toEqual(['closed refused']);
  });

  it('rejects an invalid URL synchronously', () => {
    expect(() => connect('not a url')).toThrow(TypeError);
  });
});

describe('client close', () => {
  it('cancels a scheduled retry and settles everything', async () => {
    const { client, fake, timers, events } = await setup();
    fake.last().open();
    const inFlight = client.call('a');
    fake.last().drop(1006);
    const queued = client.call('b');
    await client.close();
    expect(timers.delays()).toEqual([]);
    expect(fake.sockets).toHaveLength(1);
    await expect(inFlight).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await expect(queued).rejects.toMatchObject({
      code: ErrorCode.ConnectionClosed,
      message: expect.stringContaining('client closed'),
    });
    expect(client.stats).toMatchObject({ pending: 0, queued: 0 });
    expect(events.at(-1)).toBe('closed client');
  });

  it('closes an open socket with 1000 and a connecting one too, and waits for its close', async () => {
    const open = await setup();
    open.fake.last().open();
    const pending = open.client.call('a');
    await open.client.close();
    expect(open.fake.last().closedWith).toEqual({ code: 1000, reason: 'client closed' });
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });

    const connecting = await setup();
    const opened = connecting.client.opened();
    await connecting.client.close();
    expect(connecting.fake.last().closedWith).toBeDefined();
    await expect(opened).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    expect(connecting.events).toEqual(['connecting 0', 'closed client']);
  });

  it('is idempotent and works with await using', async () => {
    const { client, fake } = await setup();
    fake.last().open();
    {
      await using _ = client;
    }
    expect(client.status).toBe('closed');
    await client.close();
    await expect(client.call('x')).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
  });

  it('before the first attempt, makes no socket at all', async () => {
    const fake = fakeWebSocket();
    const client = connect(URL, { WebSocket: fake.WebSocket });
    await client.close();
    await tick();
    expect(fake.sockets).toHaveLength(0);
  });
});

describe('server to client', () => {
  it('serves the server’s calls over the current socket', async () => {
    const { client, fake, timers } = await setup();
    client.serve<{ ui: { greet(name: string): string } }>({ ui: { greet: (name) => `hi ${name}` } });
    fake.last().open();
    fake.last().drop(1006);
    timers.runNext();
    fake.last().open();
    fake.last().receive('{"jsonrpc":"2.0","id":7,"method":"ui.greet","params":["ana"]}');
    await tick();
    expect(fake.last().sent).toEqual(['{"jsonrpc":"2.0","id":7,"result":"hi ana"}']);
    await client.close();
  });

  it('ignores messages from a socket it has left', async () => {
    const { client, fake, timers } = await setup();
    let calls = 0;
    client.register('ping', () => ++calls);
    fake.last().open();
    const old = fake.last();
    old.drop(1006);
    timers.runNext();
    fake.last().open();
    old.receive('{"jsonrpc":"2.0","method":"ping"}');
    await tick();
    expect(calls).toBe(0);
    await client.close();
  });
});

describe('heartbeat', () => {
  const beat = { interval: 1000, timeout: 500 };
  const pings = (socket: ReturnType<ReturnType<typeof fakeWebSocket>['last']>) =>
    socket.requests().filter((r) => r.method === '$/ping');

  it('sends $/ping only after a whole interval with nothing received', async () => {
    const { client, fake, timers } = await setup({ heartbeat: beat });
    fake.last().open();
    expect(timers.delays()).toEqual([1000]);
    fake.last().receive('{"jsonrpc":"2.0","method":"news"}');
    expect(timers.runNext()).toBe(1000);
    expect(pings(fake.last())).toEqual([]);
    expect(timers.runNext()).toBe(1000);
    expect(pings(fake.last())).toEqual([{ jsonrpc: '2.0', id: 1, method: '$/ping' }]);
    await client.close();
  });

  it('keeps the socket when anything arrives within the timeout, and drops it with 4408 when nothing does', async () => {
    const { client, fake, timers, events } = await setup({ heartbeat: beat });
    const reconnecting = new Promise((resolve) => client.once('reconnecting', resolve));
    fake.last().open();
    timers.runNext();
    answer(client, fake.last(), null);
    expect(timers.runNext()).toBe(500);
    expect(client.status).toBe('open');
    timers.runNext();
    expect(pings(fake.last())).toHaveLength(2);
    expect(timers.runNext()).toBe(500);
    expect(client.status).toBe('reconnecting');
    expect(fake.last().closedWith).toEqual({ code: 4408, reason: 'no answer to $/ping within 500 ms' });
    await expect(reconnecting).resolves.toMatchObject({
      disconnect: { code: 4408, reason: 'no answer to $/ping within 500 ms' },
      message: `connection to ${URL} closed (4408 no answer to $/ping within 500 ms)`,
    });
    expect(client.stats.pending).toBe(0);
    timers.runNext();
    fake.last().open();
    expect(events.slice(-3)).toEqual(['reconnecting 1 50', 'connecting 1', 'open']);
    await client.close();
  });

  it('costs nothing per message: traffic only bumps a counter, no timer is set or reset', async () => {
    const timers = manualSchedule();
    let scheduled = 0;
    const schedule: typeof timers.schedule = (task, delay) => (scheduled++, timers.schedule(task, delay));
    const { client, fake } = await setup({ heartbeat: beat, schedule });
    fake.last().open();
    const before = scheduled;
    for (let i = 0; i < 1000; i++) fake.last().receive('{"jsonrpc":"2.0","method":"news"}');
    expect(scheduled).toBe(before);
    timers.runNext();
    expect(scheduled).toBe(before + 1);
    expect(pings(fake.last())).toEqual([]);
    await client.close();
  });

  it('takes a -32601 for $/ping (a server that is not Tether’s) as proof of life too', async () => {
    const { client, fake, timers } = await setup({ heartbeat: beat });
    fake.last().open();
    timers.runNext();
    const [ping] = pings(fake.last());
    fake
      .last()
      .receive(JSON.stringify({ jsonrpc: '2.0', id: ping?.id, error: { code: -32601, message: 'Method not found' } }));
    timers.runNext();
    expect(client.status).toBe('open');
    expect(client.stats.pending).toBe(0);
    await client.close();
  });

  it('stops with its socket and can be turned off', async () => {
    const on = await setup({ heartbeat: beat });
    on.fake.last().open();
    on.fake.last().drop(1006);
    expect(on.timers.delays()).toEqual([50]);
    await on.client.close();

    const off = await setup({ heartbeat: false });
    off.fake.last().open();
    expect(off.timers.delays()).toEqual([]);
    await off.client.close();
  });

  it('defaults to a 15 s interval', async () => {
    const { client, fake, timers } = await setup();
    fake.last().open();
    expect(timers.delays()).toEqual([15_000]);
    await client.close();
  });
});
