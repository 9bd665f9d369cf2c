/**
 * Where a subscription's events go. Each method may be called at any time after `open`;
 * after `error` or `done` nothing more is sent.
 */
export interface StreamSink<T = unknown> {
  /**
   * One event. `json` is `data` already encoded, so one encoding serves every subscriber.
   * `eventId` with `epoch` is its position, what a resume starts after.
   */
  next(data: T, eventId?: number, json?: string, epoch?: string): void;
  /**
   * Events after `after` and before `next` cannot be delivered. With `restart`, the topic's
   * history was lost and started over under `restart.epoch` (undefined while nothing has been
   * published in it yet): `after` is a position in the lost epoch, `next` one in the new.
   */
  gap(after: number, next: number, restart?: { epoch: string | undefined }): void;
  /** Ends the subscription with an error the subscriber sees. */
  error(error: unknown): void;
  /** Ends the subscription normally. */
  done(): void;
}

/**
 * What a subscription handler returns (or an AsyncIterable, which is adapted to this).
 * `open` starts delivery — `after` is the last event id the subscriber saw, for resume, and
 * `epoch` the epoch it was in (undefined from subscribers that predate epochs) — and
 * the subscribe is answered once it has resolved, so it resolves when events published from
 * then on will reach the sink; a rejection refuses the subscribe with its error. `close`
 * releases whatever the stream holds; it is called exactly once.
 */
export interface EventStream<T = unknown> {
  /** Starts delivery to `sink`, after event id `after` (of epoch `epoch`) when resuming. */
  open(sink: StreamSink<T>, after: number | undefined, epoch?: string): void | Promise<void>;
  /** Stops delivery and releases what `open` took. */
  close(): void | Promise<void>;
  /**
   * The topic this stream is a feed of, when it is one (`server.topic(name)` sets it). Its
   * subscriptions get ids derived from it, the same on every connection, so that an event's
   * push is the same bytes for every subscriber and is encoded and framed once. Default: none.
   */
  readonly topic?: string;
}

const isEventStream = (v: unknown): v is EventStream =>
  typeof v === 'object' && v !== null && typeof (v as EventStream).open === 'function';

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

/** Accepts what a handler returned; null when it is neither a stream nor an async iterable. */
export function toEventStream(value: unknown): EventStream | null {
  if (isEventStream(value)) return value;
  if (isAsyncIterable(value)) return fromAsyncIterable(value);
  return null;
}

/** Pulls an async iterable (an async generator, typically) into a sink until it ends or is closed. */
function fromAsyncIterable<T>(iterable: AsyncIterable<T>): EventStream<T> {
  let iterator: AsyncIterator<T> | undefined;
  let closed = false;
  return {
    open(sink) {
      iterator = iterable[Symbol.asyncIterator]();
      const it = iterator;
      void (async () => {
        try {
          for (;;) {
            const step = await it.next();
            if (closed) return;
            if (step.done) return sink.done();
            sink.next(step.value);
          }
        } catch (error) {
          if (!closed) sink.error(error);
        }
      })();
    },
    close() {
      closed = true;
      // Not awaited: a generator parked on an await finishes its return() only when that
      // await settles. Generators that wait on something should also watch `this.signal`.
      void Promise.resolve(iterator?.return?.()).catch(() => undefined);
    },
  };
}
