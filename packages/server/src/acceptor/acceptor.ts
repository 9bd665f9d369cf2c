import {
  CloseCode,
  Peer,
  Service,
  limitSubscriptions,
  serveDiscovery,
  type CloseInfo,
  type PeerEvents,
  type PeerOptions,
  type Transport,
} from '@tether/core';
import type { Broker, BrokerStatus } from '../broker/broker.js';
import { MemoryBroker } from '../broker/memory-broker.js';
import { CallGate, userRateMiddleware, type RateLimit } from '../connection/call-gate.js';
import { Declarations } from '../access/declarations.js';
import type { Grants } from '../access/grants.js';
import { CredentialExpiry } from '../connection/expiry.js';
import { HttpError } from '../handshake/http-error.js';
import type { HandshakeRequest } from '../handshake/request.js';
import { openrpcDocument, type OpenRpcDocument } from '../discovery/openrpc.js';
import { ConnectionQuotas } from '../quotas/quotas.js';
import { TopicHub, type ResumeOutcome } from '../topics/topic-hub.js';
import type { Governance } from './governance.js';

/** How long closing connections get to answer the close frame when the deadline has already passed. */
const CLOSE_GRACE_MS = 1000;

/** A server-side connection as the acceptor sees it: a Transport it can also cut off, with its counters. */
export interface ServerTransport extends Transport {
  /** Bytes read and written, where the runtime tells (0 where it does not). */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Droppable messages shed because the reader was slow. */
  readonly dropped: number;
  /** Ends the connection at once, without a closing handshake. */
  terminate(): void;
  /**
   * Hands the connection's messages and its close straight to `receiver`, if this transport can,
   * and says whether it does: then its peer adds no listeners, which would be two closures per
   * connection. Default: it cannot.
   */
  deliverTo?(receiver: PeerReceiver): boolean;
}

/** What a transport that delivers to its peer itself calls (see ServerTransport.deliverTo). */
export interface PeerReceiver {
  /** A message arrived. */
  received(text: string): void;
  /** The connection closed. */
  transportClosed(info: CloseInfo): void;
}

/** The limits every connection gets, whatever runtime accepted it. */
export interface AcceptorLimits {
  readonly maxConnections: number;
  readonly maxBatch: number;
  readonly maxInFlight: number;
  readonly maxSubscriptions: number;
  readonly rateLimit: RateLimit | undefined;
  readonly timeout: number;
}

/** What the acceptor needs of a handshake: the client's address, for the per-address limit. */
type Handshake = Pick<HandshakeRequest<unknown>, 'remoteAddress'>;

/** What the acceptor tells its server; each is optional. */
export interface AcceptorHooks<Ctx, Request> {
  connect?(peer: Peer<Ctx>, request: Request): void;
  disconnect?(peer: Peer<Ctx>, info: CloseInfo): void;
  /** A failure that is the server's: a handler (named by `method`) or `authenticate` threw something unexpected. */
  error?(error: unknown, peer: Peer<Ctx> | undefined, method?: string): void;
  broker?(status: BrokerStatus): void;
  /** A subscriber resumed `topic` from a position, with this outcome (see ServerEvents.resume). */
  resume?(topic: string, outcome: ResumeOutcome): void;
}

/**
 * The runtime-neutral heart of a server: one shared Service, one Peer per accepted transport,
 * the call gate (rate limit, shutdown drain), topics on the broker, the connection limit and
 * the counters. Each runtime's adapter does the upgrade and wraps its socket as a
 * ServerTransport; everything a connection shares with the others lives here.
 */
export class Acceptor<Ctx, Request extends Handshake = Handshake, T extends ServerTransport = ServerTransport> {
  /** The methods and middleware every connection serves. */
  readonly service = new Service<Ctx>();
  readonly broker: Broker;
  readonly topics: TopicHub;
  readonly gate: CallGate<Ctx>;
  /** The connections told their credentials expired, each closed (4001) unless re-authenticated in time. */
  readonly expiry = new CredentialExpiry();
  /**
   * Open connections: each one's transport, and its peer. Keyed by transport, so that what a
   * transport reports (backpressure) names its peer without a second map of every connection.
   */
  readonly live = new Map<T, Peer<Ctx>>();
  /** Set once shutdown begins: from then on every upgrade is refused with 503. */
  closing = false;
  private readonly ownsBroker: boolean;
  private readonly quotas: ConnectionQuotas;
  /** What register and subscription declared beyond core's table: requirements, result schemas. */
  readonly declarations = new Declarations();
  private readonly departed = { bytesIn: 0, bytesOut: 0, dropped: 0 };
  private emptied: (() => void) | undefined;

  constructor(
    private readonly limits: AcceptorLimits & { readonly governance: Governance<Ctx> },
    broker: Broker | undefined,
    private readonly hooks: AcceptorHooks<Ctx, Request>,
  ) {
    this.ownsBroker = broker === undefined;
    this.broker = broker ?? new MemoryBroker();
    this.broker.onStatus((status) => hooks.broker?.(status));
    this.topics = new TopicHub(this.broker, (topic, outcome) => hooks.resume?.(topic, outcome));
    const { governance } = limits;
    const { callsPerUser, store } = governance;
    this.gate = new CallGate<Ctx>({
      rateLimit: limits.rateLimit,
      declarations: this.declarations,
      grants: governance.grants,
      user: governance.user,
      callsPerUser: store ? undefined : callsPerUser,
    });
    this.service.setGuard(this.gate);
    if (callsPerUser && store) this.service.use(userRateMiddleware(governance.user, callsPerUser, store));
    this.quotas = new ConnectionQuotas(governance.connectionsPerAddress, governance.connectionsPerUser);
    if (governance.discovery) serveDiscovery(this.service, (call) => this.openrpc(governance.grants(call.data)));
    limitSubscriptions(this.service, limits.maxSubscriptions);
  }

  /**
   * Why no connection can be taken now, given `handshaking` still in progress: 503 while shutting
   * down or full; once `authenticate` has answered (`admitted`), 429 past the per-address or per-user limit.
   */
  refusal(handshaking: number, admitted?: { readonly request: Request; readonly data: Ctx }): HttpError | undefined {
    if (this.closing) return new HttpError(503, 'Server shutting down');
    if (this.live.size + handshaking >= this.limits.maxConnections) return new HttpError(503, 'Too many connections');
    if (!admitted) return undefined;
    return this.quotas.refusal(admitted.request, this.limits.governance.user(admitted.data));
  }

  /**
   * The OpenRPC document of what this server serves, for a caller holding `grants` (what
   * `rpc.discover` answers), or with `'all'` everything, each with what it requires (a build-time document).
   */
  openrpc(grants: Grants | undefined | 'all'): OpenRpcDocument {
    return openrpcDocument(this.service, this.declarations, this.limits.governance.discovery ?? {}, {
      grants,
      historySize: this.broker.historySize,
    });
  }

  /** Makes the peer of an accepted connection, with the shared service and limits, and attaches it. */
  open(transport: T, data: Ctx, request: Request): Peer<Ctx> {
    const { limits } = this;
    const release = this.quotas.hold(request, this.limits.governance.user(data));
    const peer = new AcceptedPeer<Ctx, T>(this, transport, release, {
      service: this.service,
      data,
      timeout: limits.timeout,
      maxBatch: limits.maxBatch,
      maxInFlight: limits.maxInFlight,
    });
    this.live.set(transport, peer);
    peer.attach(transport);
    this.hooks.connect?.(peer, request);
    return peer;
  }

  /** Byte and drop counters of every connection since the start, those still open included. */
  totals(): { bytesIn: number; bytesOut: number; dropped: number } {
    const totals = { ...this.departed };
    for (const transport of this.live.keys()) {
      totals.bytesIn += transport.bytesIn;
      totals.bytesOut += transport.bytesOut;
      totals.dropped += transport.dropped;
    }
    return totals;
  }

  /**
   * The connections' part of a shutdown: refuses new calls, lets running ones finish until the
   * deadline, closes every connection with 1001 (with 1012 and `{"reconnectWindow":<ms>}` for a
   * restart, when `reconnectWindow` is above 0), and terminates those that have not closed
   * after the grace. Resolves once every connection has closed.
   */
  async closeConnections(deadline: number, reconnectWindow = 0): Promise<void> {
    this.closing = true;
    this.expiry.clear();
    const end = performance.now() + deadline;
    await within(this.gate.drain(), deadline);
    const [code, reason] =
      reconnectWindow > 0
        ? [CloseCode.ServiceRestart, JSON.stringify({ reconnectWindow: Math.round(reconnectWindow) })]
        : [CloseCode.GoingAway, 'server shutting down'];
    for (const transport of this.live.keys()) transport.close(code, reason);
    const grace = Math.max(end - performance.now(), CLOSE_GRACE_MS);
    if (!(await within(this.allClosed(), grace))) {
      for (const transport of this.live.keys()) transport.terminate();
      await this.allClosed();
    }
  }

  /** The last part of a shutdown: drops the topics, and closes the broker if it is our own. */
  async release(): Promise<void> {
    await this.topics.close();
    if (this.ownsBroker) await this.broker.close();
    await this.gate.close();
  }

  private allClosed(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.emptied = resolve;
    });
  }

  /** @internal A handler of `peer` threw something its caller saw only as -32603. */
  handlerFailed(peer: Peer<Ctx>, error: unknown, method: string): void {
    this.hooks.error?.(error, peer, method);
  }

  /** @internal `peer`, over `transport`, closed for good. */
  closed(peer: Peer<Ctx>, transport: T, info: CloseInfo): void {
    if (!this.live.delete(transport)) return;
    this.expiry.forget(peer);
    this.departed.bytesIn += transport.bytesIn;
    this.departed.bytesOut += transport.bytesOut;
    this.departed.dropped += transport.dropped;
    this.hooks.disconnect?.(peer, info);
    if (this.live.size === 0) this.emptied?.();
  }
}

/** What an accepted peer tells its acceptor. */
interface PeerOwner<Ctx, T> {
  handlerFailed(peer: Peer<Ctx>, error: unknown, method: string): void;
  closed(peer: Peer<Ctx>, transport: T, info: CloseInfo): void;
}

/**
 * A server's peer: it tells the acceptor of its close and its handlers' failures itself,
 * rather than through listeners, which would be closures (and a listener map) per connection.
 */
class AcceptedPeer<Ctx, T extends ServerTransport> extends Peer<Ctx> implements PeerReceiver {
  readonly #owner: PeerOwner<Ctx, T>;
  /** The transport it was accepted over, which its owner knows the connection by. */
  readonly #transport: T;
  /** Uncounts the connection from its address's and user's quotas. */
  readonly #release: () => void;

  constructor(owner: PeerOwner<Ctx, T>, transport: T, release: () => void, options: PeerOptions<Ctx>) {
    super(options);
    this.#owner = owner;
    this.#transport = transport;
    this.#release = release;
  }

  /** Its own transport delivers to it directly where it can, rather than through listeners. */
  protected override listen(transport: Transport): void {
    if (transport !== this.#transport || !this.#transport.deliverTo?.(this)) super.listen(transport);
  }

  received(text: string): void {
    this.receive(text, this.#transport);
  }

  transportClosed(info: CloseInfo): void {
    // Closed for good with its transport, as a peer that is not persistent is; closing a closed transport does nothing.
    this.close(info.code, info.reason);
  }

  /** The acceptor counts as a `handlerError` listener, as the listener it stands for did: the peer leaves the logging to the server. */
  override listenerCount<K extends keyof PeerEvents>(event: K): number {
    return super.listenerCount(event) + (event === 'handlerError' ? 1 : 0);
  }

  protected override emit<K extends keyof PeerEvents>(event: K, ...args: PeerEvents[K]): boolean {
    // The acceptor first, as its listeners were before: the connection is gone from `live` when users hear of its close.
    if (event === 'close') {
      this.#release();
      this.#owner.closed(this, this.#transport, args[0] as CloseInfo);
    } else if (event === 'handlerError') {
      this.#owner.handlerFailed(this, args[0], args[1] as string);
    }
    return super.emit(event, ...args);
  }
}

/** The 403 for a browser origin not on the list; a request without an Origin (not a browser's) passes to `authenticate`. */
export function originRefusal(
  allowed: ReadonlySet<string> | undefined,
  origin: string | undefined,
): HttpError | undefined {
  if (!allowed || origin === undefined || allowed.has(origin)) return undefined;
  return new HttpError(403, 'Origin not allowed');
}

/** Resolves true when `promise` settles within `ms`, false when the time runs out first. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
