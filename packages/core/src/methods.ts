import type { CallContext } from './context.js';
import type { MethodSpec, SpecArgs, SpecResult } from './schema-contract.js';
import type { StandardSchemaV1 } from './schema.js';
import type { MethodKeys } from './subscription/contract.js';

type AnyFunction = (...args: any[]) => any;

/** A method's implementation; `this` is the call's context, params arrive as arguments. */
export type Handler<Ctx = unknown> = (this: CallContext<Ctx>, ...args: any[]) => unknown;

/** A tree of handlers: `{ math: { add } }` serves `math.add`. */
export interface HandlerTree<Ctx = unknown> {
  [name: string]: Handler<Ctx> | HandlerTree<Ctx>;
}

/**
 * The server's side of a contract: the same tree, each method free to be async, with the
 * call's context as `this`; subscriptions are left out (see `SubscriptionsImplementation`). `peer.serve<Api>(impl)`
 * checks an implementation against it; a schema method (`defineContract`) takes its params schema's output.
 */
export type Implementation<C, Ctx = unknown> = {
  [K in keyof C as K extends MethodKeys<C> ? K : never]: C[K] extends AnyFunction
    ? (this: CallContext<Ctx>, ...args: Parameters<C[K]>) => ReturnType<C[K]> | Promise<Awaited<ReturnType<C[K]>>>
    : C[K] extends MethodSpec
      ? (this: CallContext<Ctx>, ...args: SpecArgs<C[K], 'output'>) => SpecResult<C[K]> | Promise<SpecResult<C[K]>>
      : Implementation<C[K], Ctx>;
};

/**
 * The schemas a method was served with, kept for whoever describes the service (rpc.discover):
 * `params` checks the raw params (the positional array or the by-name object) when `shape` is
 * 'params', the one argument (by name, or the only positional param) when it is 'argument'.
 */
export interface MethodSchemas {
  readonly params: StandardSchemaV1 | undefined;
  readonly result: StandardSchemaV1 | undefined;
  readonly shape: 'params' | 'argument';
}

export interface MethodEntry {
  readonly handler: Handler<any>;
  /** Undefined for a method served without schemas. */
  readonly schemas: MethodSchemas | undefined;
}

/** Names Tether keeps for itself: the spec reserves `rpc.`, and `$/` is the LSP convention. */
export const isReservedName = (name: string): boolean => name.startsWith('rpc.') || name.startsWith('$/');

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

  add(name: string, handler: Handler<any>, schemas?: MethodSchemas, internal = false): void {
    if (typeof handler !== 'function') throw new TypeError(`tether: handler for "${name}" is not a function`);
    if (name === '' || (!internal && isReservedName(name))) {
      throw new TypeError(`tether: "${name}" is a reserved method name`);
    }
    if (this.entries.has(name)) throw new TypeError(`tether: method "${name}" is already registered`);
    this.entries.set(name, { handler, schemas });
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
