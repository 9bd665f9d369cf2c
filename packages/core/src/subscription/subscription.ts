import { ErrorCode, RpcError } from '../errors.js';
import type { CallOptions } from '../outgoing.js';
import { SUBSCRIBE_METHOD } from '../protocol.js';
import type { Params, PushMessage } from '../wire.js';
import type { SubscribeOptions, SubscriptionGap } from './options.js';

/** What subscriptions need of their peer: its state, and calls whose result it sees before any later message. */
export interface SubscriberHost {
  readonly connected: boolean;
  readonly persistent: boolean;
  readonly closed: boolean;
  call<T = unknown>(method: string, params?: Params, options?: CallOptions): Promise<T>;
  callWith<T>(
    method: string,
    params: Params | undefined,
    options: CallOptions | undefined,
    onResult: ((value: unknown) => void) | undefined,
  ): Promise<T>;
}

/** The peer's Subscriber, as its subscriptions see it: the peer, and the routing of pushes by wire id. */
export interface SubscriptionOwner {
  readonly peer: SubscriberHost;
  /** Routes the pushes under `wireId` to `sub`. */
  track(wireId: string, sub: Subscription<unknown>): void;
  /** Forgets the wire id and unsubscribes it; resolves once the other side has answered. */
  releaseWire(sub: Subscription<unknown>, wireId: string | undefined): Promise<void>;
}

/** First wait before asking again for a subscription the other side could not serve for now. */
const RETRY_BASE_MS = 500;
/** Longest wait between such retries. */
const RETRY_MAX_MS = 30_000;

// An enum, not string literals: a bundler inlines its members, and the browser bundle is tight.
enum State {
  /** Waits for a subscribe request to be sent. */
  Idle,
  Requesting,
  Active,
  /** Too far behind: no request until the iterator has caught up. */
  Paused,
  Ended,
}

/**
 * A live subscription, consumed with `for await` or through `onEvent`. It survives reconnects:
 * the peer resubscribes after the last event id seen, so the stream has no loss and no duplicate
 * while the server's history covers the outage.
 */
export class Subscription<T> implements AsyncIterable<T>, AsyncDisposable {
  /** Resolves once the other side has accepted the first subscribe; rejects if it refused. */
  readonly ready: Promise<void>;
  /** Milliseconds each subscribe request may take (the `timeout` option). */
  readonly timeout: number;
  #state = State.Idle;
  #lastEventId: number | undefined;
  #epoch: string | undefined;
  /** Subscribe attempts refused as Unavailable since the last success, for the retry backoff. */
  #retries = 0;
  #wireId: string | undefined;
  #buffer: T[] = [];
  #head = 0;
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #endError: RpcError | undefined;
  #settleReady!: (error?: RpcError) => void;
  #released: Promise<void> = Promise.resolve();
  readonly #bufferSize: number;

  readonly #options: SubscribeOptions<T>;
  readonly #owner: SubscriptionOwner;

  /** @internal Made by `peer.subscribe`. */
  constructor(
    /** The subscription's name, as served by the other side. */
    readonly name: string,
    /** The params sent with each subscribe. */
    readonly params: Params | undefined,
    options: SubscribeOptions<T>,
    owner: SubscriptionOwner,
  ) {
    this.#options = options;
    this.#owner = owner;
    this.#lastEventId = options.after;
    if (options.after !== undefined) this.#epoch = options.epoch;
    this.#bufferSize = options.bufferSize ?? 1000;
    this.timeout = options.timeout ?? 30_000;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#settleReady = (error) => (error ? reject(error) : resolve());
    });
    this.ready.catch(() => undefined); // the rejection also reaches the iterator; not unhandled
    const signal = options.signal;
    if (signal?.aborted) this.#finish(undefined);
    else signal?.addEventListener('abort', () => void this.unsubscribe(), { once: true });
  }

  /** The id of the last event received, the point a resume starts after. */
  get lastEventId(): number | undefined {
    return this.#lastEventId;
  }

  /** The epoch of `lastEventId`: keep both to resume in a later session (`after`, `epoch`). */
  get epoch(): string | undefined {
    return this.#epoch;
  }

  /** Whether the subscription has ended: unsubscribed, refused, or ended by the other side. */
  get ended(): boolean {
    return this.#state === State.Ended;
  }

  /** Ends the subscription; resolves once the other side has released it. Buffered events are dropped. */
  async unsubscribe(): Promise<void> {
    this.#buffer = [];
    this.#head = 0;
    this.#finish(undefined);
    await this.#released;
  }

  /** Unsubscribes, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.unsubscribe();
  }

  /** Yields each event in order; ends when the subscription does, or throws its error. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.#next(),
      return: async () => {
        await this.unsubscribe();
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * @internal Asks the other side for the subscription, after the last event id received, if
   * it waits for that (not while a request is out, paused or ended).
   */
  requestWire(): void {
    if (this.#state !== State.Idle) return;
    const owner = this.#owner;
    const peer = owner.peer;
    if (!peer.connected && !peer.persistent) {
      this.fail(new RpcError(ErrorCode.ConnectionClosed, 'tether: no transport attached'));
      return;
    }
    this.#state = State.Requesting;
    // Undefined members are left out of the JSON; an epoch is only ever kept with an event id.
    const body = { name: this.name, params: this.params, after: this.#lastEventId, epoch: this.#epoch };
    peer
      .callWith(SUBSCRIBE_METHOD, body, { timeout: this.timeout }, (wireId) => {
        // Synchronous with the response, so a push that follows it finds its subscription.
        if (typeof wireId !== 'string') return;
        if (this.#state === State.Ended) {
          // Unsubscribed while the request was in flight: release what the other side just opened.
          void owner.releaseWire(this as Subscription<unknown>, wireId);
          return;
        }
        owner.track(wireId, this as Subscription<unknown>);
        this.#retries = 0;
        this.#wireId = wireId;
        this.#state = State.Active;
        this.#settleReady();
      })
      .catch((error: RpcError) => {
        if (this.#state === State.Ended) return;
        if (error.code === ErrorCode.Unavailable) {
          // The other side's broker is down for now: ask again later rather than end the stream.
          this.lostWire();
          const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.#retries++);
          const timer = setTimeout(() => {
            if (peer.connected) this.requestWire();
          }, delay);
          (timer as { unref?: () => void }).unref?.();
          return;
        }
        if (error.code === ErrorCode.ConnectionClosed && peer.persistent && !peer.closed) {
          this.lostWire(); // re-requested on the next attach
          if (peer.connected) this.requestWire();
          return;
        }
        this.fail(error);
      });
  }

  /** @internal The other side no longer knows this subscription (drop, or a failed request). */
  lostWire(): void {
    this.#wireId = undefined;
    if (this.#state === State.Active || this.#state === State.Requesting) this.#state = State.Idle;
  }

  /** @internal */
  receive(message: PushMessage): void {
    if (this.#state !== State.Active) return;
    if (message.error) return this.#ended(RpcError.fromWire(message.error));
    if (message.done) return this.#finish(undefined);
    if (message.gap) return this.#onGap(message.gap);
    const eventId = typeof message.eventId === 'number' ? message.eventId : undefined;
    const epoch = typeof message.epoch === 'string' ? message.epoch : undefined;
    const last = this.#lastEventId;
    if (eventId !== undefined && last !== undefined) {
      // Another epoch with no restart notice: ask again from our position, so the other side says what was lost.
      if (epoch !== undefined && this.#epoch !== undefined && epoch !== this.#epoch) return this.#resubscribe();
      if (eventId <= last) return; // already delivered: a replay overlapping the live feed
      if (eventId > last + 1) return this.#resubscribe(); // a hole: refill it from history
    }
    if (eventId !== undefined) {
      this.#lastEventId = eventId;
      if (epoch !== undefined) this.#epoch = epoch;
    }
    this.#deliver(message.result as T, eventId);
  }

  /** @internal Ends with an error, after the iterator has drained what is buffered. */
  fail(error: RpcError): void {
    if (this.#state === State.Ended) return;
    this.#endError = error;
    this.#finish(error);
  }

  /**
   * The other side ended the subscription. Overloaded with a position means it shed pushes to
   * us (we read too slowly) and says where we stand: pick the stream up from history there.
   */
  #ended(error: RpcError): void {
    const at = error.data as { after?: unknown; epoch?: unknown } | undefined;
    if (error.code !== ErrorCode.Overloaded || typeof at?.after !== 'number') return this.fail(error);
    if (this.#lastEventId === undefined) {
      this.#lastEventId = at.after;
      this.#epoch = typeof at.epoch === 'string' ? at.epoch : undefined;
    }
    this.#resubscribe();
  }

  #onGap(raw: SubscriptionGap): void {
    const gap: { -readonly [K in keyof SubscriptionGap]: SubscriptionGap[K] } = { after: raw.after, next: raw.next };
    if (raw.restarted === true) {
      gap.restarted = true;
      if (typeof raw.epoch === 'string') gap.epoch = raw.epoch;
    }
    if (!this.#options.onGap) {
      const what = gap.restarted
        ? `the topic restarted: events after ${gap.after} of its lost history and before ${gap.next} of the new were lost`
        : `events after ${gap.after} before ${gap.next} were lost`;
      return this.fail(new RpcError(ErrorCode.HistoryGap, `tether: ${what} (subscription "${this.name}")`, gap));
    }
    this.#lastEventId = Math.max(0, gap.next - 1);
    if (gap.restarted) this.#epoch = gap.epoch;
    this.#options.onGap(gap);
  }

  #deliver(data: T, eventId: number | undefined): void {
    if (this.#options.onEvent) {
      this.#options.onEvent(data, eventId);
      return;
    }
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve({ value: data, done: false });
      return;
    }
    this.#buffer.push(data);
    if (this.#buffer.length - this.#head > this.#bufferSize) this.#pause();
  }

  /** Too far behind: stop the feed and pick it up from history once the iterator catches up. */
  #pause(): void {
    if (this.#lastEventId === undefined) {
      this.fail(new RpcError(ErrorCode.Overloaded, `tether: subscriber fell ${this.#bufferSize} events behind`));
      return;
    }
    void this.#drop(State.Paused);
  }

  #resubscribe(): void {
    void this.#drop(State.Idle);
    this.requestWire();
  }

  /** Moves to `state`, giving up the wire id: the owner unsubscribes it. */
  #drop(state: State): Promise<void> {
    const wireId = this.#wireId;
    this.#wireId = undefined;
    this.#state = state;
    return this.#owner.releaseWire(this as Subscription<unknown>, wireId);
  }

  #next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head++] as T;
      if (this.#head > 1024 && this.#head * 2 > this.#buffer.length) {
        this.#buffer = this.#buffer.slice(this.#head);
        this.#head = 0;
      }
      if (this.#state === State.Paused && this.#buffer.length - this.#head <= this.#bufferSize / 2) {
        this.#state = State.Idle;
        this.requestWire();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#state === State.Ended) {
      return this.#endError ? Promise.reject(this.#endError) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #finish(error: RpcError | undefined): void {
    if (this.#state === State.Ended) return;
    this.#settleReady(error ?? new RpcError(ErrorCode.Cancelled, 'tether: unsubscribed before the server answered'));
    this.#released = this.#drop(State.Ended);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) {
      if (error) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }
}
