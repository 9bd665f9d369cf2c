import type { CallContext, IncomingCall } from '../context.js';
import { ErrorCode, RpcError } from '../errors.js';
import { isReservedName } from '../methods.js';
import { validate, type StandardSchemaV1 } from '../schema.js';
import { SUBSCRIBE_METHOD, UNSUBSCRIBE_METHOD } from '../protocol.js';
import type { Service } from '../service.js';
import { isParams, type Params } from '../wire.js';
import type { SubscriptionsImplementation } from './implementation.js';
import { Publisher, type SubscriptionHandler } from './publisher.js';

interface SubscribeRequest {
  name: string;
  params: Params | undefined;
  after: number | undefined;
  epoch: string | undefined;
}

/** Longest epoch accepted in a resume: every broker's epochs are far shorter. */
const MAX_EPOCH_LENGTH = 64;

const invalid = (why: string) => new RpcError(ErrorCode.InvalidParams, `Invalid params: ${why}`);

/** Accepts `{ name, params?, after?, epoch? }` or, for hand-written clients, `[name, params?, after?, epoch?]`. */
function parseSubscribe(raw: unknown): SubscribeRequest {
  const fields = Array.isArray(raw)
    ? { name: raw[0], params: raw[1], after: raw[2], epoch: raw[3] }
    : ((raw ?? {}) as Record<string, unknown>);
  const { name, params, after, epoch } = fields;
  if (typeof name !== 'string') throw invalid('"name" must be a string');
  if (params !== undefined && params !== null && !isParams(params))
    throw invalid('"params" must be an array or object');
  if (after !== undefined && after !== null && !(Number.isSafeInteger(after) && (after as number) >= 0)) {
    throw invalid('"after" must be a non-negative integer');
  }
  if (epoch !== undefined && epoch !== null) {
    if (typeof epoch !== 'string' || epoch.length > MAX_EPOCH_LENGTH) {
      throw invalid(`"epoch" must be a string of at most ${MAX_EPOCH_LENGTH} characters`);
    }
    if (after === undefined || after === null) throw invalid('"epoch" needs the "after" it qualifies');
  }
  return {
    name,
    params: (params ?? undefined) as Params | undefined,
    after: (after ?? undefined) as number | undefined,
    epoch: (epoch ?? undefined) as string | undefined,
  };
}

/** The subscriptions served on the connection a call came in on, made on its first subscribe. */
function publisherOf(call: CallContext<unknown>, service: Service<any>): Publisher<unknown> {
  const limit = limits.get(service) ?? 1000;
  return (call as IncomingCall<unknown>).peer.served((sender) => new Publisher<unknown>(sender, limit));
}

/** The subscriptions one connection of a service may hold at once, where `limitSubscriptions` set it. */
const limits = new WeakMap<Service<any>, number>();

/**
 * Caps the subscriptions each connection of `service` serves at once, those whose handler is
 * still running included (default 1000): the next `rpc.subscribe` is answered -32002 with
 * `data.limit`. The server sets it from its `maxSubscriptions` option.
 */
export function limitSubscriptions(service: Service<any>, max: number): void {
  limits.set(service, max);
}

/** Per-subscription options. */
export interface SubscriptionOptions {
  /** Validates the subscriber's params before the handler runs; failures refuse the subscribe with -32602. */
  params?: StandardSchemaV1;
  /** Describes each event's data, for `rpc.discover`; not checked at run time. Default: none (any value). */
  event?: StandardSchemaV1;
  /**
   * Whether the handler returns a topic (event ids, resume after a drop, explicit gaps), for
   * `rpc.discover`. Default false: what it returns is not known until it runs.
   */
  resumable?: boolean;
}

/** A served subscription, as `catalog` lists it. */
export interface SubscriptionEntry {
  readonly handler: SubscriptionHandler<any>;
  readonly params: StandardSchemaV1 | undefined;
  readonly event: StandardSchemaV1 | undefined;
  readonly resumable: boolean;
}

/**
 * The subscriptions each service serves, by name: kept here rather than on the Service,
 * so that a bundle that never serves a subscription carries neither the table nor this module.
 */
const served = new WeakMap<Service<any>, Map<string, SubscriptionEntry>>();

/** @internal The subscriptions `service` serves, in registration order. */
export const subscriptionsOf = (service: Service<any>): ReadonlyMap<string, SubscriptionEntry> =>
  served.get(service) ?? new Map();

/**
 * Serves a subscription on a service (a lone peer's is `peer.service`): subscribers call
 * `subscribe(name, params)` and the handler returns what they get (an EventStream such as a
 * server topic, or an AsyncIterable), or throws an RpcError to refuse. A free function rather
 * than a Service method so that a browser bundle, which only subscribes, leaves it out.
 */
export function serveSubscription<Ctx>(
  service: Service<Ctx>,
  name: string,
  handler: SubscriptionHandler<Ctx>,
  options: SubscriptionOptions = {},
): void {
  if (typeof handler !== 'function') throw new TypeError(`tether: handler for "${name}" is not a function`);
  if (name === '' || isReservedName(name)) throw new TypeError(`tether: "${name}" is a reserved name`);
  let handlers = served.get(service);
  if (!handlers) {
    served.set(service, (handlers = new Map()));
    installServing(service, handlers);
  }
  if (handlers.has(name)) throw new TypeError(`tether: subscription "${name}" is already registered`);
  handlers.set(name, {
    handler,
    params: options.params,
    event: options.event,
    resumable: options.resumable ?? false,
  });
}

/** A tree of subscription handlers: `{ market: { prices } }` serves `market.prices`. */
export interface SubscriptionTree<Ctx = unknown> {
  [name: string]: SubscriptionHandler<Ctx> | SubscriptionTree<Ctx>;
}

/**
 * Serves a tree of subscriptions on a service, each under its dotted path, checked against a
 * contract's `Subscribe` entries at compile time: `serveSubscriptions<Api>(service, { prices })`.
 */
export function serveSubscriptions<C, Ctx = unknown>(
  service: Service<Ctx>,
  implementation: SubscriptionsImplementation<C, Ctx>,
): void;
export function serveSubscriptions<Ctx>(service: Service<Ctx>, tree: SubscriptionTree<Ctx>): void;
export function serveSubscriptions(service: Service<any>, tree: object): void {
  serveTree(service, tree as SubscriptionTree<any>, '');
}

function serveTree<Ctx>(service: Service<Ctx>, tree: SubscriptionTree<Ctx>, prefix: string): void {
  // Own enumerable keys only, as for methods: a tree's prototype chain is never served.
  for (const key of Object.keys(tree)) {
    const value = tree[key];
    if (typeof value === 'function') serveSubscription(service, prefix + key, value);
    else if (typeof value === 'object' && value !== null) serveTree(service, value, `${prefix}${key}.`);
  }
}

function installServing(service: Service<any>, handlers: ReadonlyMap<string, SubscriptionEntry>): void {
  const table = service.methods;
  table.add(
    SUBSCRIBE_METHOD,
    async function (this: CallContext<unknown>) {
      const request = parseSubscribe(this.params);
      const entry = handlers.get(request.name);
      if (!entry) throw new RpcError(ErrorCode.MethodNotFound, 'Subscription not found', { name: request.name });
      const denied = service.guard?.authorize?.(this, request.name);
      if (denied) throw denied;
      const params = entry.params
        ? ((await validate(entry.params, request.params, request.name)) as Params)
        : request.params;
      const { id, start } = await publisherOf(this, service).open(
        entry.handler,
        request.name,
        params,
        request.after,
        request.epoch,
        this,
      );
      // The id must reach the subscriber before the first push does.
      (this as IncomingCall<unknown>).afterReply = start;
      return id;
    },
    undefined,
    true,
  );
  table.add(
    UNSUBSCRIBE_METHOD,
    function (this: CallContext<unknown>) {
      const p = this.params;
      const id = Array.isArray(p) ? p[0] : (p as { subscription?: unknown } | undefined)?.subscription;
      if (typeof id !== 'string') throw invalid('expected [subscriptionId]');
      return publisherOf(this, service).close(id);
    },
    undefined,
    true,
  );
}
