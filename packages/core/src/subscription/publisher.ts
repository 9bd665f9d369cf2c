import type { CallContext } from '../context.js';
import { ErrorCode, RpcError, toWireError } from '../errors.js';
import type { Peer } from '../peer.js';
import { SUBSCRIPTION_NOTIFICATION } from '../protocol.js';
import type { Params } from '../wire.js';
import { toEventStream, type EventStream, type StreamSink } from './stream.js';

/**
 * Serves a subscription: `this` is the context (its `signal` aborts when the subscription
 * ends), params arrive as for a method. Return an EventStream or an AsyncIterable; throw an
 * RpcError to refuse.
 */
export type SubscriptionHandler<Ctx = unknown> = (this: CallContext<Ctx>, ...args: any[]) => unknown;

interface Active {
  readonly stream: EventStream;
  readonly controller: AbortController;
}

const SEND_OPTIONS = { droppable: true } as const;

/**
 * One peer's served subscriptions. It owns each stream from the subscribe response until
 * unsubscribe, its end, or the transport's close, and closes it exactly once.
 */
export class Publisher<Ctx> {
  readonly #active = new Map<string, Active>();
  #nextId = 1;

  readonly #peer: Peer<Ctx>;

  constructor(peer: Peer<Ctx>) {
    this.#peer = peer;
  }

  get size(): number {
    return this.#active.size;
  }

  /** Runs the handler and registers its stream; delivery starts in `start`, after the id has been sent. */
  async open(
    handler: SubscriptionHandler<Ctx>,
    name: string,
    params: Params | undefined,
    after: number | undefined,
    call: CallContext<Ctx>,
  ): Promise<{ id: string; start: () => void }> {
    const controller = new AbortController();
    const context: CallContext<Ctx> = {
      data: call.data,
      peer: call.peer,
      method: name,
      params,
      id: call.id,
      signal: controller.signal,
    };
    const produced =
      params === undefined
        ? handler.call(context)
        : Array.isArray(params)
          ? handler.apply(context, params)
          : handler.call(context, params);
    const stream = toEventStream(await produced);
    if (!stream) throw new RpcError(ErrorCode.InternalError, 'Internal error');
    const id = String(this.#nextId++);
    this.#active.set(id, { stream, controller });
    const start = () => {
      if (!this.#active.has(id)) return;
      Promise.resolve(stream.open(this.#sink(id), after)).catch((error: unknown) => this.#end(id, { error }));
    };
    return { id, start };
  }

  close(id: string): boolean {
    return this.#end(id, undefined);
  }

  closeAll(): void {
    for (const id of [...this.#active.keys()]) this.#end(id, undefined);
  }

  #sink(id: string): StreamSink {
    const prefix = `{"jsonrpc":"2.0","method":"${SUBSCRIPTION_NOTIFICATION}","params":{"subscription":${JSON.stringify(id)}`;
    return {
      next: (data, eventId, json) => {
        if (!this.#active.has(id)) return;
        const result = json ?? JSON.stringify(data) ?? 'null';
        this.#peer.sendRaw(
          eventId === undefined ? `${prefix},"result":${result}}}` : `${prefix},"result":${result},"eventId":${eventId}}}`,
          SEND_OPTIONS,
        );
      },
      gap: (after, next) => {
        if (this.#active.has(id)) this.#peer.sendRaw(`${prefix},"gap":{"after":${after},"next":${next}}}}`);
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
      const tail = 'done' in how ? { done: true } : { error: toWireError(how.error) };
      this.#peer.notify(SUBSCRIPTION_NOTIFICATION, { subscription: id, ...tail });
    }
    return true;
  }
}
