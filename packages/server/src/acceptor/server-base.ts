import {
  encodeNotification,
  registerValidated,
  serveValidated,
  type Schemas,
  serveReauthentication,
  serveSubscription,
  serveSubscriptions,
  type CallerPeer,
  type EventStream,
  type Handler,
  type HandlerTree,
  type Implementation,
  type Middleware,
  type Params,
  type Peer,
  type Service,
  type SubscriptionHandler,
  type SubscriptionsImplementation,
  type SubscriptionTree,
} from '@tether/core';
import type { RegisterOptions, ServedSubscriptionOptions } from '../access/declarations.js';
import type { Broker } from '../broker/broker.js';
import type { OpenRpcDocument } from '../discovery/openrpc.js';
import type { HandshakeRequest } from '../handshake/request.js';
import { MemoryPresence } from '../presence/memory-presence.js';
import { PresenceHub, type Presence } from '../presence/presence-hub.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { CloseOptions, ExpireOptions, ServerEvents, ServerStats } from '../server-events.js';
import { Acceptor, type ServerTransport } from './acceptor.js';
import type { SharedOptions, SharedSettings } from './settings.js';

/** What the shared state needs of a handshake: the client's address, for the per-address limit. */
type Handshake = Pick<HandshakeRequest<unknown>, 'remoteAddress'>;

/** What a server class gives the shared methods: its events, and how its runtime sends and stops. */
export interface ServerHooks<Ctx, Request, T extends ServerTransport> {
  /** Emits one of the server's events, on whichever emitter the server class is. */
  emit<K extends keyof ServerEvents<Ctx, Request>>(event: K, ...args: ServerEvents<Ctx, Request>[K]): void;
  /** How many listeners `event` has. */
  listenerCount(event: keyof ServerEvents<Ctx, Request>): number;
  /** A push of one encoded notification, made once per broadcast, then written to each transport; false when not sent. */
  pushTo(message: string): (transport: T) => boolean;
  /** Shutdown's first step, before connections close: stop listening; resolves once the listener has stopped. */
  stopListening?(): Promise<void>;
  /** Shutdown's step once every connection has closed: drop what only connections needed (timers, upgrade listeners). */
  connectionsClosed?(): void;
}

/**
 * One server's shared state: the Acceptor (peers, limits, gate, topics), its presence, its
 * shutdown and the report of its failures. Made once per server by `attachServer`, used by
 * the server class for what is its own (upgrades, transports) and by the shared methods.
 */
export class ServerParts<Ctx, Request extends Handshake, T extends ServerTransport> {
  /** Peers, limits, gate and topics: what every connection shares, whatever accepted it. */
  readonly acceptor: Acceptor<Ctx, Request, T>;
  readonly presenceStore: PresenceStore;
  readonly presences: PresenceHub;
  private readonly ownsPresence: boolean;
  private closing: Promise<void> | undefined;

  constructor(
    options: SharedOptions<Ctx, Request>,
    /** The options with their defaults. */
    readonly settings: SharedSettings<Ctx, Request>,
    readonly hooks: ServerHooks<Ctx, Request, T>,
  ) {
    this.acceptor = new Acceptor<Ctx, Request, T>(settings, options.broker, {
      connect: (peer, request) => hooks.emit('connect', peer, request),
      disconnect: (peer, info) => hooks.emit('disconnect', peer, info),
      error: (error, peer, method) => this.report(error, peer, method),
      broker: (status) => hooks.emit('broker', status),
      resume: (topic, outcome) => hooks.emit('resume', topic, outcome),
    });
    const { expiry, topics, service } = this.acceptor;
    if (settings.reauthenticate) {
      serveReauthentication(service, settings.reauthenticate, (peer) => expiry.forget(peer));
    }
    this.ownsPresence = options.presence === undefined;
    this.presenceStore = options.presence ?? new MemoryPresence();
    this.presences = new PresenceHub(this.presenceStore, {
      publish: (topic, data) => topics.publish(topic, data),
      stream: (topic) => topics.stream(topic),
      report: (error) => this.report(error, undefined),
    });
  }

  /** The shutdown, once: a second call returns the first's promise. */
  close(deadline: number, reconnectWindow: number): Promise<void> {
    this.closing ??= this.shutdown(deadline, reconnectWindow);
    return this.closing;
  }

  /**
   * Emits 'error' only when someone listens (Node's emitter would throw it), and otherwise
   * logs it, as silence would hide it: one failing handler must not take the server down.
   */
  report(error: unknown, peer: Peer<Ctx> | undefined, method?: string): void {
    if (this.hooks.listenerCount('error') > 0) this.hooks.emit('error', error, peer);
    else if (method !== undefined)
      this.settings.logger.error(`tether: handler of ${method} threw (its caller got -32603)`, error);
    else this.settings.logger.error('tether: authenticate threw; the upgrade was answered 500', error);
  }

  private async shutdown(deadline: number, reconnectWindow: number): Promise<void> {
    const stopped = this.hooks.stopListening?.() ?? Promise.resolve();
    await this.acceptor.closeConnections(deadline, reconnectWindow);
    this.hooks.connectionsClosed?.();
    await this.presences.close();
    if (this.ownsPresence) await this.presenceStore.close();
    await this.acceptor.release();
    await stopped;
  }
}

// Each server's parts, by server: the shared methods find them here, so that the published
// types of the servers show none of them.
const registry = new WeakMap<object, ServerParts<any, any, any>>();

function partsOf<Ctx>(server: object): ServerParts<Ctx, Handshake, ServerTransport> {
  const parts = registry.get(server);
  if (!parts) throw new TypeError('tether: a server method was called on something that is not a server');
  return parts;
}

/** Makes a server's shared state and ties it to `server`, for the shared methods installed on its class. */
export function attachServer<Ctx, Request extends Handshake, T extends ServerTransport>(
  server: object,
  options: SharedOptions<Ctx, Request>,
  settings: SharedSettings<Ctx, Request>,
  hooks: ServerHooks<Ctx, Request, T>,
): ServerParts<Ctx, Request, T> {
  const parts = new ServerParts<Ctx, Request, T>(options, settings, hooks);
  registry.set(server, parts);
  return parts;
}

/**
 * What a Tether server is on every runtime: the methods, topics, presence, re-authentication,
 * broadcast, counters and shutdown, written once. Never made itself: `installServerApi` puts
 * its members on Node's TetherServer (a `node:events` EventEmitter, as it always was, so that
 * `events.once(server, …)` and every EventEmitter method keep working) and on the fetch-style
 * RuntimeServer (the core's Emitter, as workerd has no Node modules), each declaring them by
 * an interface of its own name. One base class cannot serve both, as each extends its emitter.
 */
export abstract class ServerApi<Ctx> implements AsyncDisposable {
  /**
   * The methods and middleware every connection serves (filled by register, serve, use and
   * subscription): what to hand a peer over a transport of your own, `new Peer({ service })`.
   */
  get service(): Service<Ctx> {
    return partsOf<Ctx>(this).acceptor.service;
  }

  /** Where topics live: the `broker` option, or a MemoryBroker of this server's own. */
  get broker(): Broker {
    return partsOf(this).acceptor.broker;
  }

  /** Where presence lives: the `presence` option, or a MemoryPresence of this server's own. */
  get presenceStore(): PresenceStore {
    return partsOf(this).presenceStore;
  }

  /** A snapshot of the connections open now, one peer each: `peer.remote<Api>()` calls that client. */
  get connections(): ReadonlySet<Peer<Ctx>> {
    return new Set(partsOf<Ctx>(this).acceptor.live.values());
  }

  /** Counters since the server started, read as a plain object. */
  get stats(): ServerStats {
    const { acceptor } = partsOf(this);
    const { live, gate, broker } = acceptor;
    return {
      connections: live.size,
      calls: gate.calls,
      errors: gate.errors,
      ...acceptor.totals(),
      broker: broker.status,
    };
  }

  /**
   * Serves `name` on every connection. With `options.params`, the raw params (the positional
   * array or the by-name object) are validated first: failures answer -32602 naming the issue.
   */
  register(name: string, handler: Handler<Ctx>, options?: RegisterOptions): this {
    const { acceptor } = partsOf<Ctx>(this);
    const declare = acceptor.declarations.method(name, options);
    if (options) registerValidated(acceptor.service, name, handler, options);
    else acceptor.service.register(name, handler);
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
    const { service } = partsOf<Ctx>(this).acceptor;
    if (schemas) serveValidated(service, tree as never, schemas as never);
    else service.serve(tree as HandlerTree<Ctx>);
    return this;
  }

  /** Adds a middleware around every incoming call, after the server's own guard (rate limit, shutdown). */
  use(middleware: Middleware<Ctx>): this {
    partsOf<Ctx>(this).acceptor.service.use(middleware);
    return this;
  }

  /**
   * Serves a subscription on every connection. The handler sees the subscriber's params and
   * context, and returns `server.topic(name)` (resumable, with event ids) or any AsyncIterable;
   * it throws an RpcError to refuse.
   */
  subscription(name: string, handler: SubscriptionHandler<Ctx>, options?: ServedSubscriptionOptions): this {
    const { acceptor } = partsOf<Ctx>(this);
    const declare = acceptor.declarations.subscription(name, options);
    serveSubscription(acceptor.service, name, handler, options);
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
    serveSubscriptions(partsOf<Ctx>(this).acceptor.service, tree as SubscriptionTree<Ctx>);
    return this;
  }

  /**
   * The OpenRPC document of everything this server serves, each method with the grants it
   * requires (`x-requires`): what `rpc.discover` answers a caller holding every grant, and what
   * a build step writes out (`tether-openrpc`, see the README).
   */
  openrpc(): OpenRpcDocument {
    return partsOf(this).acceptor.openrpc('all');
  }

  /** A topic as a subscription handler returns it: live events, replayed history on resume, explicit gaps. */
  topic(name: string): EventStream {
    return partsOf(this).acceptor.topics.stream(name);
  }

  /** Publishes to every subscriber of `topic` on every server sharing the broker; resolves with the event id. */
  publish(topic: string, data: unknown): Promise<number> {
    return partsOf(this).acceptor.topics.publish(topic, data);
  }

  /**
   * A presence topic: `track(key, meta, { connection })` lists a stable identity (a user, not a
   * connection) on every server sharing the presence store, until untracked or its connection
   * closes; `list()` reads who is there; `stream()` is a subscription's feed of joins, updates
   * and leaves, resumable like a topic (published on the broker topic `tether.presence:<topic>`).
   */
  presence(topic: string): Presence {
    return partsOf(this).presences.presence(topic);
  }

  /** Subscriptions to `topic` served by this process now: what an unsubscribe or a disconnect brings down. */
  subscriberCount(topic: string): number {
    return partsOf(this).acceptor.topics.receiverCount(topic);
  }

  /**
   * Sends one notification to every connection: encoded once (on Node, the same buffer written
   * to every socket). A push, so slow readers drop it. Returns how many connections it was written to.
   */
  broadcast(method: string, params?: Params): number {
    const { acceptor, hooks } = partsOf(this);
    const send = hooks.pushTo(encodeNotification(method, params));
    let sent = 0;
    for (const transport of acceptor.live.keys()) if (send(transport)) sent++;
    return sent;
  }

  /**
   * Tells a connection its credentials expired (`rpc.credentialsExpired`): unless the client
   * re-authenticates (`rpc.authenticate`, served with the `reauthenticate` option) within the
   * grace period, the connection closes with 4001 and the client reconnects with fresh
   * credentials. Telling it again restarts the grace period.
   */
  expireCredentials(peer: CallerPeer<Ctx>, options: ExpireOptions = {}): void {
    partsOf(this).acceptor.expiry.expire(peer, options.grace ?? 10_000);
  }

  /**
   * Shuts down: refuses new connections and calls, lets running calls finish until the
   * deadline, closes every connection with 1001 (or 1012 and a reconnect window, for a
   * restart), releases the presence held here, and stops what the server owns (on Node, its
   * HTTP server if it made it). Resolves once every connection has closed; calling it again
   * returns the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    return partsOf(this).close(options.deadline ?? 10_000, options.reconnectWindow ?? 0);
  }

  /** Closes with the default deadline, for `await using server = ...`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Puts ServerApi's members on a server class: the one implementation every runtime's server has. */
export function installServerApi(target: abstract new (...args: never[]) => object): void {
  const shared = ServerApi.prototype;
  for (const key of Reflect.ownKeys(shared)) {
    if (key !== 'constructor')
      Object.defineProperty(target.prototype, key, Object.getOwnPropertyDescriptor(shared, key)!);
  }
}
