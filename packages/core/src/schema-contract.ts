import type { InferInput, InferOutput, StandardSchemaV1 } from './schema.js';

/**
 * One method of a contract made of schemas: `params` checks the one argument it takes (sent by
 * name, or as the only positional param), `result` describes what it returns.
 */
export type MethodSpec =
  | {
      /** Checks the method's one argument at run time; its input type is what a caller passes. */
      readonly params: StandardSchemaV1;
      /** Describes the result (types and discovery; not checked at run time). */
      readonly result?: StandardSchemaV1;
    }
  | {
      /** Checks the method's one argument at run time; its input type is what a caller passes. */
      readonly params?: StandardSchemaV1;
      /** Describes the result (types and discovery; not checked at run time). */
      readonly result: StandardSchemaV1;
    };

/** A contract made of schemas: namespaces of MethodSpecs, as `defineContract` takes it. */
export interface ContractSpec {
  readonly [name: string]: MethodSpec | ContractSpec;
}

/** The arguments a contract method takes: its params schema's type, or none. */
export type SpecArgs<M, Side extends 'input' | 'output'> = M extends {
  /** The params schema. */
  readonly params: infer P;
}
  ? [params: Side extends 'input' ? InferInput<P> : InferOutput<P>]
  : [];

/** What a contract method returns: its result schema's type, or unknown. */
export type SpecResult<M> = M extends {
  /** The result schema. */
  readonly result: infer R;
}
  ? InferOutput<R>
  : unknown;

/**
 * Declares a contract with schemas (zod, valibot, any Standard Schema): one value that gives
 * both sides their types (`remote<typeof api>()`, `serve<typeof api>(impl, api)`) and the server
 * its runtime check. Returns the spec as given.
 *
 * @example
 * const api = defineContract({ cart: { add: { params: z.object({ sku: z.string(), qty: z.number() }), result: z.number() } } });
 */
export function defineContract<const S extends ContractSpec>(spec: S): S {
  return spec;
}
