import { describe, expect, it, vi } from 'vitest';
import { createMemoryTransportPair } from '../memory-transport.js';
import { Peer } from '../peer.js';
import { serveSubscription } from './serving.js';
import { ErrorCode, RpcError } from '../errors.js';
import type { EventStream, StreamSink } from './stream.js';
import type { Transport } from '../transport.js';

/** A topic with ids and a history, enough to exercise resume without the server package. */
class Topic {
  readonly history: Array<{ id: number; data: unknown }> = [];
  readonly sinks = new Set<StreamSink>();
  constructor(private readonly keep = 1000) {}
  publish(data: unknown): void {
    const id = (this.history.at(-1)?.id ?? this.dropped) + 1;
    this.history.push({ id, data });
    if (this.history.length > this.keep) this.dropped = this.history.shift()!.id;
    for (const sink of this.sinks) sink.next(data, id);
  }
  private dropped = 0;
  stream(): EventStream {
    let own: StreamSink | undefined;
    return {
      open: (sink, after) => {
        own = sink;
        if (after !== undefined) {
          const first = this.history[0]?.id ?? after + 1;
          if (after < first - 1) sink.gap(after, first);
          for (const e of this.history) if (e.id > after) sink.next(e.data, e.id);
        }
        this.sinks.add(sink);
      },
      close: () => {
        if (own) this.sinks.delete(own);
      },
    };
  }
}

function pair(topic = new Topic()) {
  const [a, b] = createMemoryTransportPair();
  const server = new Peer().attach(a);
  serveSubscription(server.service, 'feed', () => topic.stream());
  serveSubscription(server.service, 'count', async function* (to: number) {
    for (let i = 1; i <= to; i++) yield i;
  });
  serveSubscription(server.service, 'guarded', () => {
    throw new RpcError(ErrorCode.Unauthorized, 'not for you');
  });
  const client = new Peer({ persistent: true }).attach(b);
  return { server, client, topic };
}

async function take<T>(iterable: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n === 0) return out;
  for await (const v of iterable) {
    out.push(v);
    if (out.length === n) break;
  }
  return out;
}

describe('subscriptions', () => {
  it('streams an async generator and ends with it', async () => {
    const { client } = pair();
    const got: number[] = [];
    for await (const n of client.subscribe<number>('count', [3])) got.push(n);
    expect(got).toEqual([1, 2, 3]);
  });

  it('sends the subscribe response before the first push', async () => {
    const [a, b] = createMemoryTransportPair();
    serveSubscription(new Peer().attach(a).service, 'now', async function* () {
      yield 'first';
    });
    const seen: string[] = [];
    b.onMessage((text) => seen.push(text));
    b.send('{"jsonrpc":"2.0","id":7,"method":"rpc.subscribe","params":["now"]}');
    await until(() => seen.length >= 2);
    expect(JSON.parse(seen[0]!)).toEqual({ jsonrpc: '2.0', id: 7, result: '1' });
    expect(JSON.parse(seen[1]!)).toEqual({
      jsonrpc: '2.0',
      method: 'rpc.subscription',
      params: { subscription: '1', result: 'first' },
    });
  });

  it('refuses with the handler error and an unknown name with -32601', async () => {
    const { client } = pair();
    await expect(client.subscribe('guarded').ready).rejects.toMatchObject({ code: ErrorCode.Unauthorized });
    await expect(take(client.subscribe('missing'), 1)).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
  });

  it('unsubscribing by break frees the server-side entry', async () => {
    const { client, server, topic } = pair();
    const sub = client.subscribe<number>('feed');
    await sub.ready;
    expect(server.stats.serving).toBe(1);
    topic.publish(1);
    topic.publish(2);
    expect(await take(sub, 2)).toEqual([1, 2]);
    await until(() => server.stats.serving === 0);
    expect(topic.sinks.size).toBe(0);
    expect(client.stats.subscribed).toBe(0);
  });

  it('unsubscribes through an AbortSignal and delivers to a callback', async () => {
    const { client, server, topic } = pair();
    const controller = new AbortController();
    const got: unknown[] = [];
    const sub = client.subscribe('feed', undefined, { signal: controller.signal, onEvent: (d) => got.push(d) });
    await sub.ready;
    topic.publish('x');
    await until(() => got.length === 1);
    controller.abort();
    await until(() => server.stats.serving === 0);
    expect(got).toEqual(['x']);
  });

  it('holds nothing for a subscription whose signal was aborted before it began', async () => {
    const { client, server } = pair();
    const sub = client.subscribe('feed', [], { signal: AbortSignal.abort() });
    expect(sub.ended).toBe(true);
    expect(client.stats.subscribed).toBe(0);
    expect(server.stats.serving).toBe(0);
  });

  it('resumes after a reconnect with no loss and no duplicate', async () => {
    const topic = new Topic();
    const [a1, b1] = createMemoryTransportPair();
    const serverOf = (t: Transport) => serveSubscription(new Peer().attach(t).service, 'feed', () => topic.stream());
    serverOf(a1);
    const client = new Peer({ persistent: true }).attach(b1);
    const received: number[] = [];
    const sub = client.subscribe<number>('feed', undefined, { onEvent: (n) => received.push(n) });
    await sub.ready;
    for (let i = 1; i <= 5; i++) topic.publish(i);
    await until(() => received.length === 5);
    b1.close(1006, 'drop');
    await until(() => !client.connected);
    for (let i = 6; i <= 10; i++) topic.publish(i); // published while the client is away
    const [a2, b2] = createMemoryTransportPair();
    serverOf(a2);
    client.attach(b2);
    await until(() => received.length === 10);
    topic.publish(11);
    await until(() => received.length === 11);
    expect(received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reports a gap longer than the history instead of a silent hole', async () => {
    const topic = new Topic(3);
    for (let i = 1; i <= 10; i++) topic.publish(i);
    const { client } = pair(topic);
    const gaps: unknown[] = [];
    const got: number[] = [];
    const sub = client.subscribe<number>('feed', undefined, {
      after: 2,
      onGap: (g) => gaps.push(g),
      onEvent: (n) => got.push(n),
    });
    await sub.ready;
    await until(() => got.length === 3);
    expect(gaps).toEqual([{ after: 2, next: 8 }]);
    expect(got).toEqual([8, 9, 10]);
    const strict = client.subscribe<number>('feed', undefined, { after: 2 });
    await expect(take(strict, 5)).rejects.toMatchObject({ code: ErrorCode.HistoryGap });
  });

  it('pauses a slow iterator and refills from history without loss', async () => {
    const { client, topic } = pair();
    const sub = client.subscribe<number>('feed', undefined, { bufferSize: 10 });
    await sub.ready;
    for (let i = 1; i <= 50; i++) topic.publish(i);
    const got = await take(sub, 50);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('closing the connection releases every served subscription', async () => {
    const { client, server, topic } = pair();
    await Promise.all([client.subscribe('feed').ready, client.subscribe('feed').ready]);
    expect(topic.sinks.size).toBe(2);
    client.close();
    await until(() => server.closed);
    expect(server.stats.serving).toBe(0);
    expect(topic.sinks.size).toBe(0);
  });
});

/** Waits for a condition driven by message delivery: turns of the event loop, bounded. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 0));
  }
  throw new Error('condition not reached');
}

describe('unsubscribing while the subscribe request is in flight', () => {
  it('releases what the other side opened once its answer arrives', async () => {
    const { client, server, topic } = pair();
    const seen: string[] = [];
    server.service.use((call, next) => {
      seen.push(call.method);
      return next();
    });
    const sub = client.subscribe('feed');
    const ended = sub.unsubscribe(); // before the server has answered
    await expect(sub.ready).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    await ended;
    await until(() => seen.includes('rpc.unsubscribe'));
    await until(() => server.stats.serving === 0);
    expect(seen).toEqual(['rpc.subscribe', 'rpc.unsubscribe']);
    expect(topic.sinks.size).toBe(0);
  });
});

/**
 * Serves 'feed' refusing its first subscribe with whatever `refuse` produces, then checks the
 * subscriber neither ends nor gives up: it asks again after the 500 ms backoff and gets events.
 */
async function expectRetriedAfterUnavailable(refuse: () => unknown): Promise<void> {
  const [a, b] = createMemoryTransportPair();
  const topic = new Topic();
  let refusals = 1;
  serveSubscription(new Peer().attach(a).service, 'feed', () => (refusals-- > 0 ? refuse() : topic.stream()));
  vi.useFakeTimers();
  try {
    const client = new Peer({ persistent: true }).attach(b);
    const sub = client.subscribe('feed');
    await vi.waitFor(() => expect(refusals).toBe(0));
    await vi.advanceTimersByTimeAsync(0);
    expect(sub.ended).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    await sub.ready;
    topic.publish('back');
    expect(await take(sub, 1)).toEqual(['back']);
  } finally {
    vi.useRealTimers();
  }
}

describe('a subscription the other side cannot serve for now', () => {
  it('is asked for again after an Unavailable refusal, not ended', async () => {
    await expectRetriedAfterUnavailable(() => {
      throw new RpcError(ErrorCode.Unavailable, 'broker down');
    });
  });

  it('is refused, and asked for again, when open fails with Unavailable', async () => {
    await expectRetriedAfterUnavailable(
      () =>
        ({
          open: () => Promise.reject(new RpcError(ErrorCode.Unavailable, 'broker down')),
          close: () => undefined,
        }) satisfies EventStream,
    );
  });
});

describe('a stream that takes time to go live', () => {
  /** A stream whose `open` pushes what it replays, then waits for `goLive` (a broker's round trip). */
  function slowStream(opening: Promise<void>) {
    const live = new Set<StreamSink>();
    const stream = (): EventStream => ({
      open: async (sink) => {
        sink.next('replayed', 1);
        await opening;
        live.add(sink);
      },
      close: () => undefined,
    });
    return { live, stream };
  }

  it('is answered once open has resolved, pushes made meanwhile following the answer', async () => {
    const [a, b] = createMemoryTransportPair();
    let goLive!: () => void;
    const { live, stream } = slowStream(new Promise((resolve) => (goLive = resolve)));
    const server = new Peer().attach(a);
    server.service.register('ping', () => 'pong');
    serveSubscription(server.service, 'feed', stream);
    const seen: Array<{ id?: number; result?: unknown; params?: { result: unknown } }> = [];
    b.onMessage((text) => seen.push(JSON.parse(text)));
    b.send('{"jsonrpc":"2.0","id":1,"method":"rpc.subscribe","params":["feed"]}');
    b.send('{"jsonrpc":"2.0","id":2,"method":"ping"}');
    await until(() => seen.length >= 1);
    // Answered now, the subscriber could publish an event the stream would not see.
    expect(seen).toEqual([{ jsonrpc: '2.0', id: 2, result: 'pong' }]);

    goLive();
    await until(() => seen.length >= 3);
    expect(seen.slice(1).map((m) => m.result ?? m.params?.result)).toEqual(['1', 'replayed']);
    for (const sink of live) sink.next('live', 2);
    await until(() => seen.length >= 4);
    expect(seen[3]?.params?.result).toBe('live');
  });
});

describe('positions with an epoch', () => {
  /** Serves 'feed' from `open`, recording each rpc.subscribe's params. */
  function serving(open: (sink: StreamSink, after: number | undefined, epoch: string | undefined) => void) {
    const [a, b] = createMemoryTransportPair();
    const server = new Peer().attach(a);
    const requests: unknown[] = [];
    server.service.use((call, next) => {
      if (call.method === 'rpc.subscribe') requests.push(call.params);
      return next();
    });
    serveSubscription(server.service, 'feed', () => ({ open, close: () => undefined }) satisfies EventStream);
    return { client: new Peer({ persistent: true }).attach(b), requests };
  }

  it('keeps the epoch with the last event id and resumes with both', async () => {
    const { client, requests } = serving((sink, after, epoch) => {
      if (after === undefined) sink.next('x', 4, undefined, 'A');
      else sink.next(`after ${after} in ${epoch}`, after + 1, undefined, epoch);
    });
    const first = client.subscribe('feed');
    expect(await take(first, 1)).toEqual(['x']);
    expect({ id: first.lastEventId, epoch: first.epoch }).toEqual({ id: 4, epoch: 'A' });
    const resumed = client.subscribe('feed', undefined, { after: first.lastEventId!, epoch: first.epoch! });
    expect(await take(resumed, 1)).toEqual(['after 4 in A']);
    expect(requests).toEqual([{ name: 'feed' }, { name: 'feed', after: 4, epoch: 'A' }]);
  });

  it('reports a restart, then counts in the new epoch', async () => {
    const { client } = serving((sink) => {
      sink.gap(7, 1, { epoch: 'B' });
      sink.next('fresh', 1, undefined, 'B');
    });
    const gaps: unknown[] = [];
    const got: unknown[] = [];
    const sub = client.subscribe('feed', undefined, {
      after: 7,
      epoch: 'A',
      onGap: (g) => gaps.push(g),
      onEvent: (d) => got.push(d),
    });
    await until(() => got.length === 1);
    expect(gaps).toEqual([{ after: 7, next: 1, restarted: true, epoch: 'B' }]);
    expect({ id: sub.lastEventId, epoch: sub.epoch }).toEqual({ id: 1, epoch: 'B' });
    const strict = client.subscribe('feed', undefined, { after: 7, epoch: 'A' });
    await expect(take(strict, 1)).rejects.toMatchObject({
      code: ErrorCode.HistoryGap,
      message: expect.stringContaining('restarted'),
      data: { after: 7, next: 1, restarted: true, epoch: 'B' },
    });
  });

  it('asks again from its position when an event of another epoch arrives unannounced', async () => {
    let opens = 0;
    const { client, requests } = serving((sink, after, epoch) => {
      if (opens++ === 0) {
        sink.next('a', 1, undefined, 'A');
        sink.next('b', 2, undefined, 'B'); // no restart notice
      } else sink.gap(after!, 2, { epoch: epoch === 'A' ? 'B' : 'C' });
    });
    const gaps: unknown[] = [];
    client.subscribe('feed', undefined, { onGap: (g) => gaps.push(g) });
    await until(() => gaps.length === 1);
    expect(requests).toEqual([{ name: 'feed' }, { name: 'feed', after: 1, epoch: 'A' }]);
    expect(gaps).toEqual([{ after: 1, next: 2, restarted: true, epoch: 'B' }]);
  });

  it('refuses an epoch that is not a string or comes without after', async () => {
    const { client } = serving(() => undefined);
    for (const params of [
      { name: 'feed', after: 1, epoch: 5 },
      { name: 'feed', after: 1, epoch: 'x'.repeat(65) },
      { name: 'feed', epoch: 'A' },
    ]) {
      await expect(client.call('rpc.subscribe', params)).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    }
  });
});

describe('a subscriber whose pushes the transport shed', () => {
  /** A pair whose server end sheds droppable messages while `shedding` is on, as a congested WebSocket does. */
  function sheddingPair(topic: Topic) {
    const [a, b] = createMemoryTransportPair();
    const control = { shedding: false, shed: 0 };
    const lossy: Transport = {
      send: (message, options) => {
        if (control.shedding && options?.droppable) {
          control.shed++;
          return false;
        }
        a.send(message);
      },
      onMessage: (listener) => a.onMessage(listener),
      onClose: (listener) => a.onClose(listener),
      close: (code, reason) => a.close(code, reason),
    };
    serveSubscription(new Peer().attach(lossy).service, 'feed', () => topic.stream());
    return { client: new Peer({ persistent: true }).attach(b), control };
  }

  it('is told where it stands and refills from history, though nothing followed the loss', async () => {
    const topic = new Topic();
    const { client, control } = sheddingPair(topic);
    const got: number[] = [];
    await client.subscribe<number>('feed', undefined, { onEvent: (n) => got.push(n) }).ready;
    for (let i = 1; i <= 3; i++) topic.publish(i);
    control.shedding = true;
    for (let i = 4; i <= 6; i++) topic.publish(i); // the tail: no later push shows the hole
    control.shedding = false;
    await until(() => got.length === 6);
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
    expect(control.shed).toBe(1); // the subscription ended at the first shed push
  });

  it('without event ids, ends with an Overloaded error instead of skipping', async () => {
    const [a, b] = createMemoryTransportPair();
    let shed = false;
    const lossy: Transport = {
      send: (message, options) => (options?.droppable && shed ? false : a.send(message)),
      onMessage: (listener) => a.onMessage(listener),
      onClose: (listener) => a.onClose(listener),
      close: (code, reason) => a.close(code, reason),
    };
    let sink: StreamSink | undefined;
    serveSubscription(new Peer().attach(lossy).service, 'plain', () => ({
      open: (s: StreamSink) => void (sink = s),
      close: () => undefined,
    }));
    const sub = new Peer().attach(b).subscribe('plain');
    await sub.ready;
    shed = true;
    sink!.next('lost');
    await expect(take(sub, 1)).rejects.toMatchObject({ code: ErrorCode.Overloaded });
  });
});
