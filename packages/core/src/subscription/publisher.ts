import type { CallContext } from '../context.js';
import { ErrorCode, RpcError, toWireError } from '../errors.js';
import type { PushSender, ServedSubscriptions } from '../faces.js';
import { PushEncoder, type Params } from '../wire.js';
import { toEventStream, type EventStream, type StreamSink } from './stream.js';

/**
 * Serves a subscription: `this` is the context (its `signal` aborts when the subscription
 * ends), params arrive as for a method. Return an EventStream or an AsyncIterable; throw an
 * RpcError to refuse.
 */
export type SubscriptionHandler<Ctx = unknown> = (this: CallContext<Ctx>, ...args: any[]) => unknown;

interface Active {
  readonly stream: EventStream;
  /** Writes this subscription's pushes: its id encoded once. */
  readonly encoder: PushEncoder;
  readonly controller: AbortController;
  /** Pushes made before the subscribe response was written, sent right after it; null once it has been. */
  held: Array<() => void> | null;
  /** The position of the last event handed to the transport: where a subscriber whose pushes were shed resumes. */
  lastSent: { after: number; epoch?: string } | undefined;
  /** Set once a push was shed: nothing more goes out for the subscription (a held `done` would hide the loss). */
  shed: boolean;
}

const SEND_OPTIONS = { droppable: true } as const;

/**
 * Ends a subscription whose push the transport shed (a reader too slow for its buffer bound).
 * A hole in the ids would show the loss only once a later push got through, and none may: the
 * subscriber is told where it stands instead (`data` is `{ after, epoch? }`), and resumes from history.
 */
function shedError(position: { after: number; epoch?: string } | undefined): RpcError {
  return position === undefined
    ? new RpcError(ErrorCode.Overloaded, 'Subscriber too slow: events were dropped')
    : new RpcError(
        ErrorCode.Overloaded,
        `Subscriber too slow: events after ${position.after} were dropped; resubscribe after it`,
        position,
      );
}

/**
 * One peer's served subscriptions. It owns each stream from the subscribe response until
 * unsubscribe, its end, or the transport's close, and closes it exactly once.
 */
export class Publisher<Ctx> implements ServedSubscriptions {
  readonly #active = new Map<string, Active>();
  #nextId = 1;
  /** Subscribes whose handler has not returned yet: they count against the limit too. */
  #opening = 0;
  /** Rises with each `closeAll`, so a handler that returns after its connection closed is released, not registered. */
  #generation = 0;

  readonly #sender: PushSender;
  readonly #limit: number;

  constructor(sender: PushSender, limit: number) {
    this.#sender = sender;
    this.#limit = limit;
  }

  get size(): number {
    return this.#active.size;
  }

  /**
   * Runs the handler and opens its stream, resolving once `open` has: the subscribe is answered
   * only when the stream is live (a broker topic may take a round trip to get there), so an
   * event published after the subscriber has its answer reaches it, and an `open` that fails
   * refuses the subscribe with its error. Pushes made meanwhile wait for `start`, called once
   * the answer carrying the id has been written.
   */
  async open(
    handler: SubscriptionHandler<Ctx>,
    name: string,
    params: Params | undefined,
    after: number | undefined,
    epoch: string | undefined,
    call: CallContext<Ctx>,
  ): Promise<{ id: string; start: () => void }> {
    const limit = this.#limit;
    if (this.#active.size + this.#opening >= limit) {
      throw new RpcError(
        ErrorCode.Overloaded,
        `Too many subscriptions on this connection (limit ${limit}); unsubscribe from one first`,
        { limit },
      );
    }
    const controller = new AbortController();
    const context: CallContext<Ctx> = {
      data: call.data,
      peer: call.peer,
      method: name,
      params,
      id: call.id,
      meta: call.meta,
      signal: controller.signal,
      progress() {}, // a subscription reports events, not progress
    };
    const generation = this.#generation;
    let stream: EventStream | null;
    this.#opening++;
    try {
      const produced =
        params === undefined
          ? handler.call(context)
          : Array.isArray(params)
            ? handler.apply(context, params)
            : handler.call(context, params);
      stream = toEventStream(await produced);
    } finally {
      this.#opening--;
    }
    if (generation !== this.#generation) {
      controller.abort(new RpcError(ErrorCode.Cancelled, 'Subscription ended'));
      if (stream)
        await Promise.resolve()
          .then(() => stream.close())
          .catch(() => undefined);
      throw new RpcError(ErrorCode.ConnectionClosed, 'Subscription not opened: the connection closed first');
    }
    if (!stream) throw new RpcError(ErrorCode.InternalError, 'Internal error');
    const id = this.#newId(stream.topic);
    const entry: Active = {
      stream,
      encoder: new PushEncoder(id),
      controller,
      held: [],
      lastSent: undefined,
      shed: false,
    };
    this.#active.set(id, entry);
    try {
      await stream.open(this.#sink(id), after, epoch);
    } catch (error) {
      if (this.#active.get(id) === entry) this.#end(id, undefined);
      throw error;
    }
    const start = () => {
      const held = entry.held ?? [];
      entry.held = null;
      for (const push of held) push();
    };
    return { id, start };
  }

  close(id: string): boolean {
    return this.#end(id, undefined);
  }

  /**
   * An id unused on this connection. A topic's subscription is named after the topic, so its
   * pushes read the same on every connection; a second one to it here takes a suffix.
   */
  #newId(topic: string | undefined): string {
    if (topic !== undefined && !this.#active.has(topic)) return topic;
    const base = topic === undefined ? '' : `${topic}#`;
    let id: string;
    do id = base + String(this.#nextId++);
    while (this.#active.has(id));
    return id;
  }

  closeAll(): void {
    this.#generation++;
    for (const id of [...this.#active.keys()]) this.#end(id, undefined);
  }

  #sink(id: string): StreamSink {
    return {
      next: (data, eventId, json, epoch) => {
        const entry = this.#active.get(id);
        if (!entry) return;
        const text = entry.encoder.event(json ?? JSON.stringify(data) ?? 'null', eventId, epoch);
        // Sent directly once live: a fan-out comes here for every subscriber of every event, and makes no closure for it.
        if (entry.held) entry.held.push(() => this.#sendEvent(id, entry, text, eventId, epoch));
        else this.#sendEvent(id, entry, text, eventId, epoch);
      },
      gap: (after, next, restart) => {
        const entry = this.#active.get(id);
        if (!entry) return;
        const text = entry.encoder.gap(after, next, restart);
        this.#push(entry, () => entry.shed || this.#sender.sendRaw(text));
      },
      error: (error) => this.#end(id, { error }),
      done: () => this.#end(id, { done: true }),
    };
  }

  /** Removes and closes a subscription, telling the subscriber how it ended when it did not ask. */
  #end(id: string, how: { error: unknown } | { done: true } | undefined): boolean {
    const entry = this.#active.get(id);
    if (!entry) return false;
    this.#active.delete(id);
    entry.controller.abort(new RpcError(ErrorCode.Cancelled, 'Subscription ended'));
    Promise.resolve()
      .then(() => entry.stream.close())
      .catch(() => undefined);
    if (how) {
      const text = entry.encoder.end('done' in how ? how : { error: toWireError(how.error) });
      this.#push(entry, () => entry.shed || this.#sender.sendRaw(text));
    }
    return true;
  }

  /** Writes one event's push, and keeps its position as where the subscriber stands (updated in place, as it is per push). */
  #sendEvent(id: string, entry: Active, text: string, eventId: number | undefined, epoch: string | undefined): void {
    if (entry.shed) return;
    const sent = this.#sender.sendRaw(text, SEND_OPTIONS);
    if (eventId === undefined) {
      if (!sent) this.#shed(id, entry, entry.lastSent);
      return;
    }
    const last = entry.lastSent;
    if (!sent) {
      this.#shed(id, entry, last ?? (epoch === undefined ? { after: eventId - 1 } : { after: eventId - 1, epoch }));
    } else if (last !== undefined && last.epoch === epoch) last.after = eventId;
    else entry.lastSent = epoch === undefined ? { after: eventId } : { after: eventId, epoch };
  }

  /** A push was shed: ends the subscription (unless its end is on its way already) and says where events were lost. */
  #shed(id: string, entry: Active, position: { after: number; epoch?: string } | undefined): void {
    entry.shed = true;
    if (this.#active.get(id) === entry) this.#end(id, undefined);
    this.#sender.sendRaw(entry.encoder.end({ error: toWireError(shedError(position)) }));
  }

  /** Sends a push now, or holds it while the subscribe response is not written yet. */
  #push(entry: Active, send: () => void): void {
    if (entry.held) entry.held.push(send);
    else send();
  }
}
