import { CloseCode } from './close-codes.js';
import { Emitter } from './emitter.js';
import type { Remote } from './contract.js';
import { callFailure, ErrorCode, RpcError } from './errors.js';
import type { BatchEntry, BatchOptions, PeerEvents, PushSender, ServedSubscriptions } from './faces.js';
import { Dispatcher, type ReplyChannel } from './incoming.js';
import { Service } from './service.js';
import { Subscriber } from './subscription/subscriber.js';
import type { SubscribeOptions } from './subscription/options.js';
import type { Subscription } from './subscription/subscription.js';
import type { Subscriptions } from './subscription/contract.js';
import { OfflineQueue } from './offline-queue.js';
import { OutgoingCalls, type CallOptions } from './outgoing.js';
import { createRemote } from './proxy.js';
import type { CloseInfo, SendOptions, Transport } from './transport.js';
import { encodeNotification, encodeRequest, isParams, type Params } from './wire.js';

/** Where a peer reports a failure nobody listens for; `console` fits. */
export interface Logger {
  /** Logs a failure: a sentence naming what failed, then the error itself (its stack shows where). */
  error(message: string, ...details: unknown[]): void;
}
/**
 * Sees each call this peer makes (`method`, its `params` as the caller passed them, the request's
 * wire `id`) synchronously in `call`, so in the caller's async context, before it is sent or
 * queued; returns the params to send instead (e.g. `withMeta(params, { traceparent })`, or
 * `params` unchanged). `outcome` is the call's promise, for timing it: observe it with
 * `then(onFulfilled, onRejected)`, which leaves the caller's rejection theirs to handle. The seam
 * tracing uses; `batch` entries and notifications do not pass through it.
 */
export type CallInterceptor = (
  method: string,
  params: Params | undefined,
  id: number,
  outcome: Promise<unknown>,
) => Params | undefined;

/** Options for a peer; every limit has a default safe for an untrusted other side. */
export interface PeerOptions<Ctx> {
  /** The connection's data, handed to handlers as `this.data`. */
  data?: Ctx;
  /** Default call timeout in ms; 0 disables. Default 30000. */
  timeout?: number;
  /** Methods and middleware to serve, shared with other peers; default: a service of this peer's own. */
  service?: Service<Ctx>;
  /** Longest batch served; a longer one runs none of its entries, and each request in it is answered -32600. Default 100. */
  maxBatch?: number;
  /** Incoming calls running at once; more answer -32002 until some finish. Default 1000. */
  maxInFlight?: number;
  /** Outgoing messages held while no transport is attached; beyond it calls reject at once. Default 1000. */
  maxQueued?: number;
  /**
   * Where a handler's failure is logged (once, with the method and the error, whose stack shows
   * where) when no `handlerError` listener takes it. Default `console`.
   */
  logger?: Logger;
  /**
   * Whether the peer outlives its transport: a persistent peer queues calls while detached and
   * takes a new transport with `attach` (the reconnecting client); otherwise it closes with it.
   * Default false.
   */
  persistent?: boolean;
  /**
   * Why no transport is attached, in words, asked when a queued call times out so that its error
   * says so (the reconnecting client answers with its last disconnect). Default: not asked.
   */
  offlineReason?: () => string | undefined;
  /** Sees every outgoing call and may rewrite its params (see CallInterceptor). Default: none, at no cost. */
  intercept?: CallInterceptor;
}

/** A peer's counts of work in progress. */
export interface PeerStats {
  /** Our calls sent and awaiting a response. */
  pending: number;
  /** The other side's calls running here. */
  running: number;
  /** Messages queued while no transport is attached. */
  queued: number;
  /** Subscriptions this peer serves. */
  serving: number;
  /** Subscriptions this peer holds on the other side. */
  subscribed: number;
}
/**
 * One side of a JSON-RPC 2.0 connection: it serves methods and calls the other side's,
 * over any Transport. The server makes one per connection; the client keeps one across reconnects.
 * It serves its parts the faces in faces.ts without declaring them (`implements`): their members
 * are internal, left out of the published types, and handing `this` to each part checks the shape.
 */
export class Peer<Ctx = unknown> extends Emitter<PeerEvents> {
  /**
   * The connection's data (for a server: what authentication, or the last re-authentication,
   * returned), seen by handlers as `this.data`.
   */
  readonly data: Ctx;
  /** What this peer serves (`peer.service.register(...)`); shared when the options passed one in. */
  readonly service: Service<Ctx>;
  readonly #dispatcher: Dispatcher<Ctx>;
  readonly #outgoing: OutgoingCalls;
  /** A persistent peer's calls held while detached; a peer that closes with its transport never queues, and has none. */
  readonly #queue: OfflineQueue | undefined;
  #transport: Transport | undefined;
  /** Where the responses to the attached transport's messages go: made on its first message, dropped with it. */
  #channel: ReplyChannel | undefined;
  #closedInfo: CloseInfo | undefined;
  readonly #timeout: number;
  readonly #logger: Logger;
  /** The subscriptions this peer serves, made by `serveSubscription`'s methods on first use. */
  #served: ServedSubscriptions | undefined;
  /** The subscriptions this peer holds on the other side, made on first subscribe. */
  #subscriber: Subscriber | undefined;
  readonly #offlineReason: (() => string | undefined) | undefined;
  readonly #intercept: CallInterceptor | undefined;

  constructor(options: PeerOptions<Ctx> = {}) {
    super();
    this.data = options.data as Ctx;
    this.#timeout = options.timeout ?? 30_000;
    this.#logger = options.logger ?? console;
    this.#offlineReason = options.offlineReason;
    this.#intercept = options.intercept;
    this.service = options.service ?? new Service<Ctx>();
    this.#outgoing = new OutgoingCalls(this);
    if (options.persistent) this.#queue = new OfflineQueue(options.maxQueued ?? 1000, this.#outgoing);
    this.#dispatcher = new Dispatcher<Ctx>(
      this,
      this.service,
      this.#outgoing,
      options.maxBatch ?? 100,
      options.maxInFlight ?? 1000,
    );
  }

  /**
   * @internal Replaces the connection's data (a re-authentication did). Calls running keep the
   * data they began with; calls dispatched from now on see the new.
   */
  replaceData(data: Ctx): void {
    // Readonly to everyone else: only a re-authentication replaces it, through here.
    (this as { data: Ctx }).data = data;
  }

  /** @internal Why no transport is attached, for the timeout of a call that never left (see PeerOptions.offlineReason). */
  get offlineReason(): string | undefined {
    return this.#offlineReason?.();
  }

  /** @internal An `rpc.subscription` push: only a subscription of ours can want it. */
  receivePush(params: unknown): void {
    this.#subscriber?.receive(params);
  }

  /** @internal The subscriptions this peer serves, made by `make` on first use. */
  served<S extends ServedSubscriptions>(make: (sender: PushSender) => S): S {
    return (this.#served ??= make(this)) as S;
  }

  /** @internal A response arrived for no call of ours. */
  reportStray(message: unknown): void {
    this.emit('strayResponse', message);
  }

  /** @internal A handler threw something the other side saw only as -32603. */
  reportHandlerError(error: unknown, method: string): void {
    // Silence would hide a crashing handler: its caller sees only -32603, by design.
    if (this.listenerCount('handlerError') > 0) this.emit('handlerError', error, method);
    else this.#logger.error(`tether: handler of ${method} threw (its caller got -32603)`, error);
  }

  /** Whether the peer outlives its transports (see PeerOptions.persistent). */
  get persistent(): boolean {
    return this.#queue !== undefined;
  }

  /** Whether a transport is attached now. */
  get connected(): boolean {
    return this.#transport !== undefined;
  }

  /** Whether the peer has closed for good. */
  get closed(): boolean {
    return this.#closedInfo !== undefined;
  }

  /**
   * Counts for leak checks and metrics: our calls awaiting a response, their calls running here,
   * messages queued while detached, subscriptions served here, and subscriptions held on the other side.
   */
  get stats(): PeerStats {
    return {
      pending: this.#outgoing.size,
      running: this.#dispatcher.inFlightCount,
      queued: this.#queue?.length ?? 0,
      serving: this.#served?.size ?? 0,
      subscribed: this.#subscriber?.size ?? 0,
    };
  }

  /**
   * Subscribes to `name` on the other side. Consume it with `for await`, or pass `onEvent`.
   * It is restored after a reconnect from the last event id received.
   */
  subscribe<T = unknown>(name: string, params?: Params, options: SubscribeOptions<T> = {}): Subscription<T> {
    if (this.#closedInfo) throw closedError(this.#closedInfo);
    return (this.#subscriber ??= new Subscriber(this)).subscribe<T>(name, params, options);
  }

  /**
   * The other side's subscriptions, typed by a contract: `subscriptions<Api>().prices({ symbol })`
   * is `peer.subscribe('prices', { symbol })` as a Subscription of the declared event type.
   */
  subscriptions<C>(): Subscriptions<C> {
    return createRemote((name, [params, options]) =>
      this.subscribe(name, params as Params | undefined, options as SubscribeOptions<unknown>),
    );
  }

  /** Connects the peer to a transport; queued messages go out at once. */
  attach(transport: Transport): this {
    if (this.#closedInfo) throw new RpcError(ErrorCode.ConnectionClosed, 'tether: peer is closed');
    if (this.#transport) throw new Error('tether: a transport is already attached');
    this.#transport = transport;
    this.listen(transport);
    if (this.#queue) {
      for (const item of this.#queue.drain()) {
        transport.send(item.text);
        for (const id of item.ids) this.#outgoing.markSent(id);
      }
    }
    this.emit('attach');
    this.#subscriber?.attached();
    return this;
  }

  /**
   * Gives `transport` the listeners that bring its messages (to `receive`) and its close to this
   * peer. A subclass whose transport hands it those itself overrides it to add none: their two
   * closures would be much of what an idle server connection costs.
   */
  protected listen(transport: Transport): void {
    transport.onMessage((text) => this.receive(text, transport));
    transport.onClose((info) => this.#transport === transport && this.#detached(info));
  }

  /** A message from `transport`: handled, and answered on it, if it is the one attached. */
  protected receive(text: string, transport: Transport): void {
    if (this.#transport !== transport) return;
    // Made on the first message, so that an idle connection holds none. Detached, a response
    // goes nowhere, and neither would the error that replaced it. A transport without
    // `refusal` refuses nothing: its false says only that it could not send.
    this.#dispatcher.receive(
      text,
      (this.#channel ??= (answer, refusable) => {
        if (this.#transport !== transport) return undefined;
        const refuses = refusable === true && transport.refusal !== undefined;
        return transport.send(answer, refuses ? REFUSABLE : undefined) === false && refuses
          ? (method) => transport.refusal!(method)
          : undefined;
      }),
    );
  }

  /** Calls a method on the other side. */
  call<T = unknown>(method: string, params?: Params, options?: CallOptions): Promise<T> {
    return this.callWith<T>(method, params, options);
  }

  /** @internal `call`, with a hook that sees the result before any later message is handled. */
  callWith<T>(
    method: string,
    params: Params | undefined,
    options: CallOptions | undefined,
    onResult?: (value: unknown) => void,
  ): Promise<T> {
    if (this.#closedInfo) return Promise.reject(callFailure(closedError(this.#closedInfo), method, true));
    let sent = params;
    if (options?.onProgress && params !== undefined && !isByName(params)) {
      return Promise.reject(
        new RpcError(ErrorCode.InvalidParams, `tether: progress for ${method} needs params by name`),
      );
    }
    const [id, promise] = this.#outgoing.open<T>(method, options, options?.timeout ?? this.#timeout, onResult);
    if (this.#outgoing.has(id)) {
      // Our id is the token: a progress notification finds its call without a second map.
      if (options?.onProgress) sent = { ...sent, _meta: { progressToken: id } };
      if (this.#intercept) sent = this.#intercept(method, sent, id, promise);
      this.#dispatch(encodeRequest(id, method, sent), [id]);
    }
    return promise;
  }

  /** @internal Sends pre-encoded text if connected; pushes are not queued across a drop. False when not sent. */
  sendRaw(text: string, options?: SendOptions): boolean {
    if (!this.#transport) return false;
    return this.#transport.send(text, options) !== false;
  }

  /** Sends a notification; returns false where it could be neither sent nor queued. */
  notify(method: string, params?: Params, options?: SendOptions): boolean {
    if (this.#closedInfo) return false;
    return this.#dispatch(encodeNotification(method, params), [], options);
  }

  /** Sends several calls and notifications in one frame; resolves with the calls' outcomes, in order. */
  batch(entries: readonly BatchEntry[], options?: BatchOptions): Promise<PromiseSettledResult<unknown>[]> {
    if (entries.length === 0) return Promise.resolve([]);
    if (this.#closedInfo) return Promise.reject(closedError(this.#closedInfo));
    const ids: number[] = [];
    const promises: Promise<unknown>[] = [];
    const parts = entries.map((entry) => {
      if (entry.notification) return encodeNotification(entry.method, entry.params);
      const [id, promise] = this.#outgoing.open(entry.method, options, options?.timeout ?? this.#timeout);
      ids.push(id);
      promises.push(promise);
      return encodeRequest(id, entry.method, entry.params);
    });
    this.#dispatch(`[${parts.join(',')}]`, ids);
    return Promise.allSettled(promises);
  }

  /**
   * A typed proxy of the other side: `remote<Api>().math.add(1, 2)` is a `Promise<number>`. `options`
   * go with every call through it; `remote.with(options)` gives per-call ones (`onProgress`).
   */
  remote<C>(options: CallOptions = {}): Remote<C> {
    // Progress needs params by name: no argument, or one object argument (which a handler gets
    // as its one argument either way); more arguments stay an array, which callWith refuses.
    return createRemote(
      (method, args, perCall) =>
        this.call(method, perCall.onProgress && args.length < 2 ? (args[0] as Params | undefined) : args, perCall),
      options,
    );
  }

  /** Closes the transport and the peer for good; every pending call rejects. */
  close(code: number = CloseCode.Normal, reason = 'closed'): void {
    if (this.#closedInfo) return;
    const transport = this.#transport;
    this.#detached({ code, reason }, true);
    transport?.close(code, reason);
  }

  #dispatch(text: string, ids: number[], options?: SendOptions): boolean {
    if (this.#transport) {
      this.#transport.send(text, options);
      for (const id of ids) this.#outgoing.markSent(id);
      return true;
    }
    if (this.#queue?.push(text, ids)) return true;
    const error = this.#queue
      ? new RpcError(ErrorCode.Overloaded, `tether: offline queue is full (${this.#queue.limit})`)
      : new RpcError(ErrorCode.ConnectionClosed, 'tether: no transport attached');
    for (const id of ids) this.#outgoing.settleError(id, error);
    return false;
  }

  /**
   * The transport is gone: for good when `closing` (a close, or any drop of a peer that is not
   * persistent), or until the next attach. Calls already sent may or may not have run on the other
   * side: they fail rather than being resent blindly; queued ones wait for the next transport.
   */
  #detached(info: CloseInfo, closing = !this.#queue): void {
    this.#transport = this.#channel = undefined;
    const error = closedError(info);
    if (closing) {
      this.#closedInfo = info;
      this.#queue?.clear();
    }
    this.#outgoing.rejectAll(error, !closing);
    this.#dispatcher.abortAll(error);
    this.#served?.closeAll();
    if (closing) this.#subscriber?.closed(error);
    else this.#subscriber?.detached();
    this.emit(closing ? 'close' : 'detach', info);
  }
}

const REFUSABLE: SendOptions = { refusable: true };

const isByName = (v: unknown): boolean => isParams(v) && !Array.isArray(v);

function closedError(info: CloseInfo): RpcError {
  return new RpcError(
    ErrorCode.ConnectionClosed,
    `tether: connection closed (${info.code}${info.reason ? ` ${info.reason}` : ''})`,
    { code: info.code, reason: info.reason },
  );
}
