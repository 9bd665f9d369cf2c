import {
  Emitter,
  serveSubscription,
  serveSubscriptions,
  type EventStream,
  type Handler,
  type HandlerTree,
  type Implementation,
  type Middleware,
  type Params,
  type Peer,
  registerValidated,
  type Schemas,
  type Service,
  serveValidated,
  type SubscriptionHandler,
  type SubscriptionsImplementation,
  type SubscriptionTree,
} from '@tether/core';
import { Acceptor, originRefusal } from '../acceptor/acceptor.js';
import type { OpenRpcDocument } from '../discovery/openrpc.js';
import type { RegisterOptions, ServedSubscriptionOptions } from '../access/declarations.js';
import type { Broker } from '../broker/broker.js';
import { HttpError } from '../handshake/http-error.js';
import { pathOf } from '../handshake/request.js';
import type { CloseOptions, ServerEvents, ServerStats } from '../server-events.js';
import { isUpgrade, readFetchHandshake, refusalResponse, upgradeRequired } from './fetch-handshake.js';
import { resolveRuntimeSettings, type FetchHandshake, type RuntimeServerOptions, type RuntimeSettings } from './options.js';
import type { PushedTransport } from './pushed-transport.js';

/** An upgrade request that passed path, capacity, origin and `authenticate`. */
export interface Admitted<Ctx> {
  readonly data: Ctx;
  readonly handshake: FetchHandshake;
}

/**
 * A Tether server on a runtime with fetch-style upgrades (Bun, Deno, Workers): the same
 * methods, events and limits as Node's TetherServer, on the shared Acceptor. The runtime's
 * adapter calls `admit` for each request and `accept` with each socket it upgraded.
 */
export class RuntimeServer<Ctx = undefined> extends Emitter<ServerEvents<Ctx, FetchHandshake>> implements AsyncDisposable {
  /** The methods and middleware every connection serves. */
  readonly service: Service<Ctx>;
  /** Where topics live: the `broker` option, or a MemoryBroker of this server's own. */
  readonly broker: Broker;
  /** The options with their defaults, for the adapter's transports. */
  readonly settings: RuntimeSettings<Ctx>;
  private readonly acceptor: Acceptor<Ctx, FetchHandshake, PushedTransport>;
  private handshaking = 0;
  private closing: Promise<void> | undefined;

  constructor(options: RuntimeServerOptions<Ctx> = {}) {
    super();
    this.settings = resolveRuntimeSettings(options);
    this.acceptor = new Acceptor<Ctx, FetchHandshake, PushedTransport>(this.settings, options.broker, {
      connect: (peer, request) => this.emit('connect', peer, request),
      disconnect: (peer, info) => this.emit('disconnect', peer, info),
      error: (error, peer, method) => this.report(error, peer, method),
      broker: (status) => this.emit('broker', status),
      resume: (topic, outcome) => this.emit('resume', topic, outcome),
    });
    this.service = this.acceptor.service;
    this.broker = this.acceptor.broker;
  }

  /** A snapshot of the connections open now, one peer each: `peer.remote<Api>()` calls that client. */
  get connections(): ReadonlySet<Peer<Ctx>> {
    return new Set(this.acceptor.live.keys());
  }

  /** Counters since the server started; bytes are those of messages, as these runtimes do not count framing. */
  get stats(): ServerStats {
    const { live, gate } = this.acceptor;
    return { connections: live.size, calls: gate.calls, errors: gate.errors, ...this.acceptor.totals(), broker: this.broker.status };
  }

  /** Serves `name` on every connection; with `options.params`, the raw params are validated first (-32602 naming the issue). */
  register(name: string, handler: Handler<Ctx>, options?: RegisterOptions): this {
    const declare = this.acceptor.declarations.method(name, options);
    if (options) registerValidated(this.service, name, handler, options);
    else this.service.register(name, handler);
    declare();
    return this;
  }

  /**
   * Serves a tree of handlers on every connection, checked against contract `C` at compile time;
   * with `schemas` (or a `defineContract` value), each method's one argument is validated at run time too.
   */
  serve<C>(implementation: Implementation<C, Ctx>, schemas?: Schemas<C>): this;
  serve(tree: HandlerTree<Ctx>): this;
  serve(tree: object, schemas?: object): this {
    if (schemas) serveValidated(this.service, tree as never, schemas as never);
    else this.service.serve(tree as HandlerTree<Ctx>);
    return this;
  }

  /** Adds a middleware around every incoming call, after the server's own guard (rate limit, shutdown). */
  use(middleware: Middleware<Ctx>): this {
    this.service.use(middleware);
    return this;
  }

  /** Serves a subscription on every connection; the handler returns `server.topic(name)` or any AsyncIterable. */
  subscription(name: string, handler: SubscriptionHandler<Ctx>, options?: ServedSubscriptionOptions): this {
    const declare = this.acceptor.declarations.subscription(name, options);
    serveSubscription(this.service, name, handler, options);
    declare();
    return this;
  }

  /** Serves a tree of subscriptions on every connection, checked against a contract's `Subscribe` entries. */
  subscriptions<C>(implementation: SubscriptionsImplementation<C, Ctx>): this;
  subscriptions(tree: SubscriptionTree<Ctx>): this;
  subscriptions(tree: object): this {
    serveSubscriptions(this.service, tree as SubscriptionTree<Ctx>);
    return this;
  }

  /**
   * The OpenRPC document of everything this server serves, each method with the grants it
   * requires (`x-requires`): what `rpc.discover` answers a caller holding every grant, and what
   * a build step writes out (`tether-openrpc`, see the README).
   */
  openrpc(): OpenRpcDocument {
    return this.acceptor.openrpc('all');
  }

  /** A topic as a subscription handler returns it: live events, replayed history on resume, explicit gaps. */
  topic(name: string): EventStream {
    return this.acceptor.topics.stream(name);
  }

  /** Publishes to every subscriber of `topic` on every server sharing the broker; resolves with the event id. */
  publish(topic: string, data: unknown): Promise<number> {
    return this.acceptor.topics.publish(topic, data);
  }

  /** Subscriptions to `topic` served by this server now. */
  subscriberCount(topic: string): number {
    return this.acceptor.topics.receiverCount(topic);
  }

  /** Sends one notification to every connection, encoded once; a push, so slow readers drop it. Returns how many took it. */
  broadcast(method: string, params?: Params): number {
    const message: { jsonrpc: '2.0'; method: string; params?: Params } = { jsonrpc: '2.0', method };
    if (params !== undefined) message.params = params;
    const text = JSON.stringify(message);
    let sent = 0;
    for (const transport of this.acceptor.live.values()) if (transport.sendText(text, true)) sent++;
    return sent;
  }

  /**
   * Checks a request before its upgrade: path (404), upgrade header (426), shutdown and
   * capacity (503), origin (403), then `authenticate`. Returns the connection's context, or
   * the Response that refuses it. For the adapters.
   */
  async admit(request: Request, remoteAddress: string | undefined): Promise<Admitted<Ctx> | Response> {
    const handshake = readFetchHandshake(request, remoteAddress);
    const { path, origins, authenticate } = this.settings;
    if (path !== undefined && pathOf(handshake.url) !== path) return refusalResponse(new HttpError(404));
    if (!isUpgrade(request)) return upgradeRequired();
    const early = this.acceptor.refusal(this.handshaking) ?? originRefusal(origins, handshake.origin);
    if (early) return refusalResponse(early);
    let data: Ctx;
    this.handshaking++;
    try {
      data = authenticate ? await authenticate(handshake) : (undefined as Ctx);
    } catch (error) {
      if (!(error instanceof HttpError)) this.report(error, undefined);
      return refusalResponse(error instanceof HttpError ? error : new HttpError(500));
    } finally {
      this.handshaking--;
    }
    const late = this.acceptor.refusal(this.handshaking, { request: handshake, data });
    return late ? refusalResponse(late) : { data, handshake };
  }

  /** Takes a socket the adapter upgraded after `admit`: makes its peer with the shared service and limits. */
  accept(transport: PushedTransport, admitted: Admitted<Ctx>): Peer<Ctx> {
    return this.acceptor.open(transport, admitted.data, admitted.handshake);
  }

  /**
   * Shuts down: refuses upgrades (503) and new calls, lets running calls finish until the
   * deadline, closes every connection with 1001 (1012 and the window, given a `reconnectWindow`).
   * The runtime's HTTP server is the caller's to stop.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.deadline ?? 10_000, options.reconnectWindow ?? 0);
    return this.closing;
  }

  /** Closes with the default deadline, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async shutdown(deadline: number, reconnectWindow: number): Promise<void> {
    await this.acceptor.closeConnections(deadline, reconnectWindow);
    await this.acceptor.release();
  }

  /** Emits 'error' when someone listens, and logs it otherwise, as on Node: one failing handler must not take the server down. */
  private report(error: unknown, peer: Peer<Ctx> | undefined, method?: string): void {
    if (this.listenerCount('error') > 0) this.emit('error', error, peer);
    else if (method !== undefined) this.settings.logger.error(`tether: handler of ${method} threw (its caller got -32603)`, error);
    else this.settings.logger.error('tether: authenticate threw; the upgrade was answered 500', error);
  }
}
