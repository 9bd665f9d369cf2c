import {
  AUTHENTICATE_METHOD,
  Emitter,
  ErrorCode,
  onCredentialsExpired,
  Peer,
  RpcError,
  type BatchEntry,
  type BatchOptions,
  type CallOptions,
  type Handler,
  type HandlerTree,
  type Implementation,
  type Middleware,
  type Params,
  type Remote,
  type SubscribeOptions,
  type Subscription,
  type Subscriptions,
} from '@tether/core';
import { DefaultWebSocket } from '#socket';
import { Connection, type ClientEvents, type ClientStatus, type ClosedEvent } from './connection.js';
import type { ClientOptions, Fresh } from './options.js';

/**
 * A connection to a Tether server that survives drops: one persistent peer, reattached to a
 * new WebSocket after each reconnect. Calls made while offline wait in the peer's queue.
 */
export class Client<Ctx = unknown> extends Emitter<ClientEvents> implements AsyncDisposable {
  readonly #peer: Peer<Ctx>;
  readonly #connection: Connection;
  readonly #auth: ClientOptions<Ctx>['auth'];

  /** @internal Use `connect()`. */
  constructor(url: Fresh<string | URL>, options: ClientOptions<Ctx> = {}) {
    super();
    const WebSocket = options.WebSocket ?? DefaultWebSocket;
    if (!WebSocket) throw new TypeError('tether: this runtime has no WebSocket; pass one as the WebSocket option');
    // The peer asks the connection why it is offline, rather than being told: data flows one way.
    this.#peer = new Peer<Ctx>({ ...options, persistent: true, offlineReason: () => this.#connection.offlineReason });
    this.#auth = options.auth;
    // Ignored by the server's notice alone: without fresh credentials, 4001 ends the connection and we reconnect.
    if (this.#auth) onCredentialsExpired(this.#peer.service, () => void this.reauthenticate().catch(() => undefined));
    this.#connection = new Connection(this.#peer, url, WebSocket, options, (event, ...args) =>
      this.emit(event, ...args),
    );
    // A microtask later, so that listeners added right after connect() hear the first 'connecting'.
    queueMicrotask(() => this.#connection.start());
  }

  /** Where the client stands now. */
  get status(): ClientStatus {
    return this.#connection.status;
  }

  /**
   * Counts for leak checks and metrics: our calls awaiting a response, the server's calls running
   * here, messages queued while offline, subscriptions served here, and subscriptions held on the server.
   */
  get stats(): Peer<Ctx>['stats'] {
    return this.#peer.stats;
  }

  /** Calls a method on the server; while offline the call waits in the queue until its timeout. */
  call<T = unknown>(method: string, params?: Params, options?: CallOptions): Promise<T> {
    return this.#peer.call<T>(method, params, options);
  }

  /** Sends a notification; returns false where it could be neither sent nor queued. */
  notify(method: string, params?: Params): boolean {
    return this.#peer.notify(method, params);
  }

  /** Sends several calls and notifications in one frame; resolves with the calls' outcomes, in order. */
  batch(entries: readonly BatchEntry[], options?: BatchOptions): Promise<PromiseSettledResult<unknown>[]> {
    return this.#peer.batch(entries, options);
  }

  /**
   * A typed proxy of the server: `remote<Api>().math.add(1, 2)` is a `Promise<number>`. `options`
   * go with every call through it; `remote.with(options)` gives per-call ones (`onProgress`).
   */
  remote<C>(options?: CallOptions): Remote<C> {
    return this.#peer.remote<C>(options);
  }

  /**
   * Subscribes to a server subscription, consumed with `for await` or `onEvent`. It outlives
   * reconnects: the peer resubscribes after the last event id it saw.
   */
  subscribe<T = unknown>(name: string, params?: Params, options?: SubscribeOptions<T>): Subscription<T> {
    return this.#peer.subscribe<T>(name, params, options);
  }

  /**
   * The server's subscriptions, typed by the shared contract's `Subscribe` entries:
   * `subscriptions<Api>().prices({ symbol })` is `subscribe('prices', { symbol })` typed by the contract.
   */
  subscriptions<C>(): Subscriptions<C> {
    return this.#peer.subscriptions<C>();
  }

  /** Serves `name` to the server, which may call the client as the client calls it. */
  register(name: string, handler: Handler<Ctx>): this {
    this.#peer.service.register(name, handler);
    return this;
  }

  /** Serves a tree of handlers to the server, checked against a contract: `serve<BrowserApi>({ ... })`. */
  serve<C>(implementation: Implementation<C, Ctx>): this;
  serve(tree: HandlerTree<Ctx>): this;
  serve(tree: object): this {
    this.#peer.service.serve(tree as HandlerTree<Ctx>);
    return this;
  }

  /** Adds a middleware around every call the server makes to the client. */
  use(middleware: Middleware<Ctx>): this {
    this.#peer.service.use(middleware);
    return this;
  }

  /**
   * Re-authenticates without reconnecting: asks the `auth` option for credentials and sends them
   * as `rpc.authenticate`. Resolves once the server took them; rejects when it refused (it then
   * closes the connection with 4401) or there is no `auth` option.
   */
  async reauthenticate(): Promise<void> {
    if (!this.#auth) throw new TypeError('tether: no auth option');
    await this.#peer.call(AUTHENTICATE_METHOD, await this.#auth());
  }

  /** Resolves when the client is open (at once if it is); rejects if it closes for good first. */
  opened(): Promise<void> {
    if (this.status === 'open') return Promise.resolve();
    const closed = this.#connection.closedEvent;
    if (closed) return Promise.reject(closedError(closed));
    return new Promise((resolve, reject) => {
      const onOpen = () => {
        this.off('closed', onClosed);
        resolve();
      };
      const onClosed = (event: ClosedEvent) => {
        this.off('open', onOpen);
        reject(closedError(event));
      };
      this.once('open', onOpen);
      this.once('closed', onClosed);
    });
  }

  /**
   * Closes for good: no more reconnects, and every pending and queued call rejects with
   * ConnectionClosed at once. Resolves when the socket has closed.
   */
  close(): Promise<void> {
    return this.#connection.close();
  }

  /** Closes the client, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function closedError(event: ClosedEvent): RpcError {
  return new RpcError(ErrorCode.ConnectionClosed, `tether: client closed (${event.reason})`, {
    why: event.why,
    reason: event.reason,
  });
}

/**
 * Connects to a Tether server at `url` (ws: or wss:) and keeps reconnecting until closed. `url`
 * may be a function (sync or async), asked before every attempt: a refreshed token goes in its query.
 */
export function connect<Ctx = unknown>(url: Fresh<string | URL>, options?: ClientOptions<Ctx>): Client<Ctx> {
  return new Client<Ctx>(url, options);
}
