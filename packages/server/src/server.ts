import { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  CloseCode,
  encodeNotification,
  serveReauthentication,
  serveSubscription,
  serveSubscriptions,
  type CallerPeer,
  type EventStream,
  type Handler,
  type HandlerTree,
  type Implementation,
  registerValidated,
  type Schemas,
  serveValidated,
  type Middleware,
  type Params,
  type Peer,
  type Service,
  type SubscriptionHandler,
  type SubscriptionsImplementation,
  type SubscriptionTree,
} from '@tether/core';
import type { WebSocket } from 'ws';
import { Acceptor } from './acceptor/acceptor.js';
import type { OpenRpcDocument } from './discovery/openrpc.js';
import type { RegisterOptions, ServedSubscriptionOptions } from './access/declarations.js';
import type { Broker } from './broker/broker.js';
import { MemoryPresence } from './presence/memory-presence.js';
import { PresenceHub, type Presence } from './presence/presence-hub.js';
import type { PresenceStore } from './presence/presence-store.js';
import { closeHttpServer, listen } from './http-server.js';
import type { HandshakeRequest } from './handshake/request.js';
import { Upgrades } from './handshake/upgrades.js';
import { resolveSettings, type ServerOptions, type Settings } from './options.js';
import type { CloseOptions, ExpireOptions, ServerEvents, ServerStats } from './server-events.js';
import { WsTransport, type BackpressureEvent } from './transport/ws-transport.js';

/**
 * A Tether server: one shared Service of methods, and one Peer per WebSocket connection,
 * through which it can also call each client. Made by `createServer`.
 */
export class TetherServer<Ctx = undefined> extends EventEmitter<ServerEvents<Ctx>> implements AsyncDisposable {
  /**
   * The methods and middleware every connection serves (filled by register, serve, use and
   * subscription): what to hand a peer over a transport of your own, `new Peer({ service })`.
   */
  readonly service: Service<Ctx>;
  /** Where topics live: the `broker` option, or a MemoryBroker of this server's own. */
  readonly broker: Broker;
  /** What every runtime's server shares: peers, limits, gate, topics; this class adds Node's HTTP server and `ws`. */
  private readonly acceptor: Acceptor<Ctx, HandshakeRequest, WsTransport>;
  /** Where presence lives: the `presence` option, or a MemoryPresence of this server's own. */
  readonly presenceStore: PresenceStore;
  private readonly ownsPresence: boolean;
  private readonly presences: PresenceHub;
  private readonly settings: Settings<Ctx>;
  private readonly upgrades: Upgrades<Ctx>;
  private readonly heartbeat: ReturnType<typeof setInterval> | undefined;
  private closing: Promise<void> | undefined;
  /** Each connection's peer, which backpressure events name: one listener for every transport rather than a closure each. */
  private readonly peers = new WeakMap<WsTransport, Peer<Ctx>>();
  private readonly backpressured = (event: BackpressureEvent, transport: WsTransport): void => {
    const peer = this.peers.get(transport);
    if (peer) this.emit('backpressure', peer, event);
  };

  /** @internal Use `createServer`. */
  constructor(
    options: ServerOptions<Ctx>,
    /** The HTTP server upgrades arrive on. */
    readonly httpServer: HttpServer,
    private readonly ownsHttpServer: boolean,
  ) {
    super();
    this.settings = resolveSettings(options);
    this.acceptor = new Acceptor<Ctx, HandshakeRequest, WsTransport>(this.settings, options.broker, {
      connect: (peer, request) => this.emit('connect', peer, request),
      disconnect: (peer, info) => this.emit('disconnect', peer, info),
      error: (error, peer, method) => this.report(error, peer, method),
      broker: (status) => this.emit('broker', status),
      resume: (topic, outcome) => this.emit('resume', topic, outcome),
    });
    this.service = this.acceptor.service;
    const { expiry } = this.acceptor;
    if (this.settings.reauthenticate) {
      serveReauthentication(this.service, this.settings.reauthenticate, (peer) => expiry.forget(peer));
    }
    this.broker = this.acceptor.broker;
    const { topics } = this.acceptor;
    this.ownsPresence = options.presence === undefined;
    this.presenceStore = options.presence ?? new MemoryPresence();
    this.presences = new PresenceHub(this.presenceStore, {
      publish: (topic, data) => topics.publish(topic, data),
      stream: (topic) => topics.stream(topic),
      report: (error) => this.report(error, undefined),
    });
    this.upgrades = new Upgrades<Ctx>({
      settings: this.settings,
      ownsHttpServer,
      upgradeListeners: () => httpServer.listenerCount('upgrade'),
      refusal: (handshaking, admitted) => this.acceptor.refusal(handshaking, admitted),
      open: (ws, socket, request, data) => this.open(ws, socket, request, data),
      report: (error) => this.report(error, undefined),
    });
    httpServer.on('upgrade', this.upgrades.listener);
    if (this.settings.heartbeatInterval > 0) {
      this.heartbeat = setInterval(() => this.beat(), this.settings.heartbeatInterval).unref();
    }
  }

  /** A snapshot of the connections open now, one peer each: `peer.remote<Api>()` calls that client. */
  get connections(): ReadonlySet<Peer<Ctx>> {
    return new Set(this.acceptor.live.keys());
  }

  /** The port the HTTP server listens on. */
  get port(): number {
    return this.address().port;
  }

  /** A URL clients on this machine can connect to: `ws://127.0.0.1:<port>/<path>`. */
  get url(): string {
    const { address, family, port } = this.address();
    const host = family === 'IPv6' ? `[${address}]` : address;
    return `ws://${host}:${port}${this.settings.path ?? '/'}`;
  }

  /** Counters since the server started, read as a plain object. */
  get stats(): ServerStats {
    const { live, gate } = this.acceptor;
    return {
      connections: live.size,
      calls: gate.calls,
      errors: gate.errors,
      ...this.acceptor.totals(),
      broker: this.broker.status,
    };
  }

  /**
   * Serves `name` on every connection. With `options.params`, the raw params (the positional
   * array or the by-name object) are validated first: failures answer -32602 naming the issue.
   */
  register(name: string, handler: Handler<Ctx>, options?: RegisterOptions): this {
    const declare = this.acceptor.declarations.method(name, options);
    if (options) registerValidated(this.service, name, handler, options);
    else this.service.register(name, handler);
    declare();
    return this;
  }

  /**
   * Serves a tree of handlers on every connection, checked against contract `C` at compile time:
   * `serve<Api>({ math: { add } })`. With `schemas` (shaped like the contract, or the contract
   * itself when it is a `defineContract` value), each method's one argument is validated at run
   * time too: `serve<typeof api>(impl, api)`.
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

  /**
   * Serves a subscription on every connection. The handler sees the subscriber's params and
   * context, and returns `server.topic(name)` (resumable, with event ids) or any AsyncIterable;
   * it throws an RpcError to refuse.
   */
  subscription(name: string, handler: SubscriptionHandler<Ctx>, options?: ServedSubscriptionOptions): this {
    const declare = this.acceptor.declarations.subscription(name, options);
    serveSubscription(this.service, name, handler, options);
    declare();
    return this;
  }

  /**
   * Serves a tree of subscriptions on every connection, each as `subscription(path, handler)`
   * would, checked against a contract's `Subscribe` entries at compile time:
   * `subscriptions<Api>({ prices({ symbol }) { return this.topic(...) } })`.
   */
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

  /**
   * A presence topic: `track(key, meta, { connection })` lists a stable identity (a user, not a
   * connection) on every server sharing the presence store, until untracked or its connection
   * closes; `list()` reads who is there; `stream()` is a subscription's feed of joins, updates
   * and leaves, resumable like a topic (published on the broker topic `tether.presence:<topic>`).
   */
  presence(topic: string): Presence {
    return this.presences.presence(topic);
  }

  /** Subscriptions to `topic` served by this process now: what an unsubscribe or a disconnect brings down. */
  subscriberCount(topic: string): number {
    return this.acceptor.topics.receiverCount(topic);
  }

  /**
   * Sends one notification to every connection: encoded once, the same buffer written to
   * every socket. A push, so slow readers drop it. Returns how many connections it was written to.
   */
  broadcast(method: string, params?: Params): number {
    const frame = Buffer.from(encodeNotification(method, params));
    let sent = 0;
    for (const transport of this.acceptor.live.values()) {
      if (transport.sendEncoded(frame, true)) sent++;
    }
    return sent;
  }

  /**
   * Tells a connection its credentials expired (`rpc.credentialsExpired`): unless the client
   * re-authenticates (`rpc.authenticate`, served with the `reauthenticate` option) within the
   * grace period, the connection closes with 4001 and the client reconnects with fresh
   * credentials. Telling it again restarts the grace period.
   */
  expireCredentials(peer: CallerPeer<Ctx>, options: ExpireOptions = {}): void {
    this.acceptor.expiry.expire(peer, options.grace ?? 10_000);
  }

  /**
   * Shuts down: stops accepting connections, lets running calls finish until the deadline
   * (refusing new ones), closes every connection with 1001 (or 1012 and a reconnect window, for
   * a restart), and closes the HTTP server if it is our own. Resolves once every connection has
   * closed; calling it again returns the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.deadline ?? 10_000, options.reconnectWindow ?? 0);
    return this.closing;
  }

  /** Closes with the default deadline, for `await using server = await createServer(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async shutdown(deadline: number, reconnectWindow: number): Promise<void> {
    const httpClosed = this.ownsHttpServer ? closeHttpServer(this.httpServer) : Promise.resolve();
    await this.acceptor.closeConnections(deadline, reconnectWindow);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.httpServer.off('upgrade', this.upgrades.listener);
    this.upgrades.abort();
    await this.presences.close();
    if (this.ownsPresence) await this.presenceStore.close();
    await this.acceptor.release();
    await httpClosed;
  }

  private address(): AddressInfo {
    const address = this.httpServer.address();
    if (address === null || typeof address === 'string') {
      throw new Error('tether: the HTTP server is not listening on a TCP port');
    }
    return address;
  }

  private open(ws: WebSocket, socket: Socket, request: HandshakeRequest, data: Ctx): void {
    const { settings } = this;
    const transport = new WsTransport(ws, {
      socket,
      maxBufferedBytes: settings.maxBufferedBytes,
      backpressure: settings.backpressure,
      onBackpressure: this.backpressured,
    });
    this.peers.set(transport, this.acceptor.open(transport, data, request));
  }

  private beat(): void {
    for (const transport of this.acceptor.live.values()) transport.beat();
  }

  /**
   * Emits 'error' only when someone listens: Node's emitter would throw it, and one failing
   * handler must not take the server down. Otherwise logs it, as silence would hide it.
   */
  private report(error: unknown, peer: Peer<Ctx> | undefined, method?: string): void {
    if (this.listenerCount('error') > 0) this.emit('error', error, peer);
    else if (method !== undefined) {
      this.settings.logger.error(`tether: handler of ${method} threw (its caller got -32603)`, error);
    } else this.settings.logger.error('tether: authenticate threw; the upgrade was answered 500', error);
  }
}

/**
 * Starts a server: listening on `port` with an HTTP server of its own, or taking upgrades on an
 * existing `server`. Resolves once it is listening (at once when attached).
 */
export async function createServer<Ctx = undefined>(options: ServerOptions<Ctx>): Promise<TetherServer<Ctx>> {
  if (options.server) return new TetherServer<Ctx>(options, options.server, false);
  const httpServer = await listen(options.port, options.host ?? '127.0.0.1');
  try {
    return new TetherServer<Ctx>(options, httpServer, true);
  } catch (error) {
    // An option refused by the constructor must not leave the port taken.
    await closeHttpServer(httpServer);
    throw error;
  }
}
