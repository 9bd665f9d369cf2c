import type { CallContext } from './context.js';
import type { MethodSpec } from './schema-contract.js';
import { ErrorCode, RpcError } from './errors.js';
import type { Handler, HandlerTree, Implementation, MethodSchemas } from './methods.js';
import { validate, type StandardSchemaV1 } from './schema.js';
import type { Service } from './service.js';
import type { MethodKeys } from './subscription/contract.js';

// Free functions rather than Service methods, as serveSubscription is: a browser bundle that
// validates nothing (a client, by default) carries none of this.

type AnyFunction = (...args: any[]) => any;

/** Schemas of one method served with `register(name, fn, options)`. */
export interface MethodOptions {
  /**
   * Validates the params as sent — the positional array (`z.tuple([...])`) or the by-name object —
   * before the handler runs, which gets the schema's output; failures answer -32602. Default: none.
   */
  params?: StandardSchemaV1;
  /** Describes the result, for whoever describes the service; not checked at run time. Default: none. */
  result?: StandardSchemaV1;
}

type ArgumentSchema<P> = P extends readonly [infer A]
  ? StandardSchemaV1<any, A>
  : P extends readonly [(infer A)?]
    ? StandardSchemaV1<any, A | undefined>
    : never;

/**
 * Schemas for `serve<C>(implementation, schemas)`, shaped like the contract: for each method
 * (all optional) `params`, checking its one argument at run time, and `result`, describing what
 * it returns. A `defineContract` value is such a tree for its own type.
 */
export type Schemas<C> = {
  readonly [K in keyof C as K extends MethodKeys<C> ? K : never]?: C[K] extends AnyFunction
    ? {
        /** Checks the method's one argument at run time (a method of several arguments: `register` with a tuple). */
        readonly params?: ArgumentSchema<Parameters<C[K]>>;
        /** Describes the result (discovery; not checked at run time). */
        readonly result?: StandardSchemaV1<any, Awaited<ReturnType<C[K]>>>;
      }
    : C[K] extends MethodSpec
      ? C[K]
      : C[K] extends object
        ? Schemas<C[K]>
        : never;
};

const isSchema = (value: unknown): value is StandardSchemaV1 =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StandardSchemaV1)['~standard']?.validate === 'function';

/** The one argument of a method served with an 'argument' schema: by name, alone by position, or none. */
function argumentOf(params: unknown, method: string): unknown {
  if (!Array.isArray(params)) return params;
  if (params.length > 1) {
    throw new RpcError(ErrorCode.InvalidParams, `Invalid params: ${method} takes one argument, got ${params.length}`, {
      method,
    });
  }
  return params[0];
}

function invoke(handler: Handler<any>, call: CallContext<unknown>, value: unknown, shape: MethodSchemas['shape']) {
  let args: unknown[];
  if (shape === 'argument') args = [value];
  else if (Array.isArray(value)) args = value;
  else args = value === undefined ? [] : [value];
  // The context shows the params as the schema made them (a transform, a default), as the handler gets them.
  (call as { params: unknown }).params = shape === 'argument' ? args : value;
  return handler.apply(call, args);
}

/** The handler, behind a check of its params; the schemas are kept in the method table. */
function guarded(name: string, handler: Handler<any>, schemas: MethodSchemas): Handler<any> {
  const { params: schema, shape } = schemas;
  if (schema === undefined) return handler;
  return function (this: CallContext<unknown>) {
    const input = shape === 'argument' ? argumentOf(this.params, name) : this.params;
    const output = validate(schema, input, name);
    if (output instanceof Promise) return output.then((value) => invoke(handler, this, value, shape));
    return invoke(handler, this, output, shape);
  };
}

function checked(name: string, what: string, value: unknown): StandardSchemaV1 | undefined {
  if (value === undefined || isSchema(value)) return value;
  throw new TypeError(
    `tether: the ${what} schema of "${name}" is not a Standard Schema (zod 3.24+, valibot 1+, arktype 2+)`,
  );
}

/**
 * Serves `name` on a service with schemas: `params` checks the raw params before the handler
 * runs (failures answer -32602 naming the first issue), `result` is kept for description.
 * What `server.register(name, fn, { params })` does.
 */
export function registerValidated<Ctx>(
  service: Service<Ctx>,
  name: string,
  handler: Handler<Ctx>,
  options: MethodOptions,
): void {
  const schemas: MethodSchemas = {
    params: checked(name, 'params', options.params),
    result: checked(name, 'result', options.result),
    shape: 'params',
  };
  if (typeof handler !== 'function') throw new TypeError(`tether: handler for "${name}" is not a function`);
  service.methods.add(name, guarded(name, handler, schemas), schemas);
}

/**
 * Serves a tree of handlers checked against contract `C` at compile time, and against `schemas`
 * at run time: each method's `params` schema checks its one argument. What
 * `server.serve<C>(implementation, schemas)` does. Every schema must belong to a served method.
 */
export function serveValidated<C, Ctx = unknown>(
  service: Service<Ctx>,
  implementation: Implementation<C, Ctx>,
  schemas: Schemas<C>,
): void {
  const methods: Array<[string, Handler<Ctx>, MethodSchemas]> = [];
  collect(implementation as HandlerTree<Ctx>, schemas as SchemaTree, '', methods);
  for (const [name, handler, entry] of methods) service.methods.add(name, guarded(name, handler, entry), entry);
}

interface SchemaTree {
  readonly [name: string]: { readonly params?: unknown; readonly result?: unknown } | SchemaTree | undefined;
}

function collect<Ctx>(
  tree: HandlerTree<Ctx>,
  schemas: SchemaTree | undefined,
  prefix: string,
  out: Array<[string, Handler<Ctx>, MethodSchemas]>,
): void {
  const spec = (key: string) => (schemas !== undefined && Object.hasOwn(schemas, key) ? schemas[key] : undefined);
  for (const key of Object.keys(schemas ?? {})) {
    if (!Object.hasOwn(tree, key)) {
      throw new TypeError(`tether: schemas are given for "${prefix}${key}", which the implementation does not serve`);
    }
  }
  // Own enumerable keys only, as in MethodTable.addTree: a prototype chain is never served.
  for (const key of Object.keys(tree)) {
    const value = tree[key];
    const name = prefix + key;
    if (typeof value === 'function') {
      const method = spec(key) as { params?: unknown; result?: unknown } | undefined;
      out.push([
        name,
        value,
        {
          params: checked(name, 'params', method?.params),
          result: checked(name, 'result', method?.result),
          shape: 'argument',
        },
      ]);
    } else if (typeof value === 'object' && value !== null) {
      collect(value, spec(key) as SchemaTree | undefined, `${name}.`, out);
    }
  }
}
