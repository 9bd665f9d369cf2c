import type { CallContext } from './context.js';
import type { StandardSchemaV1 } from './schema.js';
import type { MethodKeys } from './subscription/contract.js';

type AnyFunction = (...args: any[]) => any;

/** A method's implementation; `this` is the call's context, params arrive as arguments. */
export type Handler<Ctx = unknown> = (this: CallContext<Ctx>, ...args: any[]) => unknown;

/** Per-method options. */
export interface MethodOptions {
  /** Validates the raw params (array or object) before the handler runs; failures answer -32602. */
  params?: StandardSchemaV1;
}

/** A tree of handlers: `{ math: { add } }` serves `math.add`. */
export interface HandlerTree<Ctx = unknown> {
  [name: string]: Handler<Ctx> | HandlerTree<Ctx>;
}

/**
 * The server's side of a contract: the same tree, each method free to be async, with the
 * call's context as `this`; subscriptions are left out (see `SubscriptionsImplementation`). `peer.serve<Api>(impl)` checks an implementation against it.
 */
export type Implementation<C, Ctx = unknown> = {
  [K in keyof C as K extends MethodKeys<C> ? K : never]: C[K] extends AnyFunction
    ? (this: CallContext<Ctx>, ...args: Parameters<C[K]>) => ReturnType<C[K]> | Promise<Awaited<ReturnType<C[K]>>>
    : Implementation<C[K], Ctx>;
};

export interface MethodEntry {
  readonly handler: Handler<any>;
  readonly schema: StandardSchemaV1 | undefined;
}

/** Names Tether keeps for itself: the spec reserves `rpc.`, and `$/` is the LSP convention. */
export const isReservedName = (name: string): boolean =>
  name.startsWith('rpc.') || name.startsWith('$/');

/**
 * The served methods. A Map, not an object, so no name — `__proto__`, `constructor`,
 * `toString` — can resolve to anything that was not registered.
 */
export class MethodTable {
  /** @internal Every served method, in registration order, Tether's own (`rpc.`) included. */
  readonly entries = new Map<string, MethodEntry>();

  get(name: string): MethodEntry | undefined {
    return this.entries.get(name);
  }

  add(name: string, handler: Handler<any>, options: MethodOptions = {}, internal = false): void {
    if (typeof handler !== 'function') throw new TypeError(`tether: handler for "${name}" is not a function`);
    if (name === '' || (!internal && isReservedName(name))) {
      throw new TypeError(`tether: "${name}" is a reserved method name`);
    }
    if (this.entries.has(name)) throw new TypeError(`tether: method "${name}" is already registered`);
    this.entries.set(name, { handler, schema: options.params });
  }

  addTree(tree: HandlerTree<any>, prefix = ''): void {
    // Own enumerable keys only: a tree's prototype chain is never served.
    for (const key of Object.keys(tree)) {
      const value = tree[key];
      const name = prefix + key;
      if (typeof value === 'function') this.add(name, value);
      else if (typeof value === 'object' && value !== null) this.addTree(value, `${name}.`);
    }
  }
}
