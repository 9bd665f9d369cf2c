import type { CallContext } from './context.js';
import { isReservedName } from './methods.js';
import { DISCOVER_METHOD } from './protocol.js';
import type { StandardSchemaV1 } from './schema.js';
import type { Service } from './service.js';
import { subscriptionsOf } from './subscription/serving.js';

/** A served method as `catalog` lists it. */
export interface MethodInfo {
  /** The method's name on the wire. */
  readonly name: string;
  /** Its params schema, if registered with one. */
  readonly params: StandardSchemaV1 | undefined;
  /**
   * What `params` checks: 'params', the params as sent (a tuple by position, or the by-name
   * object: `register`); 'argument', the method's one argument, sent by name or as the only
   * positional param (`serve` with schemas, `defineContract`).
   */
  readonly shape: 'params' | 'argument';
  /** Its result schema, if served with one (`serve` with schemas, `register`'s `result`). */
  readonly result: StandardSchemaV1 | undefined;
  /** How many positional params the handler declares (`function.length`), for a method without a params schema. */
  readonly arity: number;
}

/** A served subscription as `catalog` lists it. */
export interface SubscriptionInfo {
  /** The name a subscriber passes to `rpc.subscribe`. */
  readonly name: string;
  /** Its params schema, if registered with one. */
  readonly params: StandardSchemaV1 | undefined;
  /** The schema of each event's data, if registered with one. */
  readonly event: StandardSchemaV1 | undefined;
  /** Whether it was declared to return a topic (event ids, resume, gaps). */
  readonly resumable: boolean;
  /** How many positional params the handler declares. */
  readonly arity: number;
}

/** What a service serves, for tools that describe it (the server's `rpc.discover`, a gateway). */
export interface Catalog {
  /** The application's methods, in registration order; Tether's own (`rpc.`, `$/`) are left out. */
  readonly methods: readonly MethodInfo[];
  /** Its subscriptions, in registration order. */
  readonly subscriptions: readonly SubscriptionInfo[];
}

/** Lists what `service` serves now: read it again after registering more. */
export function catalog(service: Service<any>): Catalog {
  const methods: MethodInfo[] = [];
  for (const [name, entry] of service.methods.entries) {
    if (isReservedName(name)) continue;
    methods.push({
      name,
      params: entry.schemas?.params,
      shape: entry.schemas?.shape ?? 'params',
      result: entry.schemas?.result,
      arity: entry.handler.length,
    });
  }
  const subscriptions: SubscriptionInfo[] = [];
  for (const [name, entry] of subscriptionsOf(service)) {
    subscriptions.push({
      name,
      params: entry.params,
      event: entry.event,
      resumable: entry.resumable,
      arity: entry.handler.length,
    });
  }
  return { methods, subscriptions };
}

/**
 * Serves `rpc.discover` on a service: `describe` builds the document for the call (its context
 * says who asks). It passes the service's guard like any call; the server's `discovery` option
 * does this with an OpenRPC document.
 */
export function serveDiscovery<Ctx>(service: Service<Ctx>, describe: (call: CallContext<Ctx>) => unknown): void {
  service.methods.add(
    DISCOVER_METHOD,
    function (this: CallContext<Ctx>) {
      return describe(this);
    },
    undefined,
    true,
  );
}
