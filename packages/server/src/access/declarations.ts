import type { MethodOptions, StandardSchemaV1, SubscriptionOptions } from '@tether/core';

/** What a caller must hold to use a method or subscription. */
export interface Requires {
  /**
   * Grants (roles or scopes) a caller must hold, every one of them, or the call or subscribe is
   * refused with -32004 before its params are validated or its handler runs; the server reads a
   * caller's grants with its `access.grants` option. Default: none needed.
   */
  requires?: readonly string[];
}

/** Options of a server's `register`: the method's schemas, and what a caller needs. */
export interface RegisterOptions extends MethodOptions, Requires {
  /** Describes the result, for `rpc.discover`; not checked at run time. Default: none (any value). */
  result?: StandardSchemaV1;
}

/** Options of a server's `subscription`: the subscription's schemas, and what a subscriber needs. */
export interface ServedSubscriptionOptions extends SubscriptionOptions, Requires {}

/**
 * The grants each method and subscription requires, and each method's result schema: what the
 * server's register and subscription declare beyond core's method table. Kept by the server, so
 * that a browser bundle carries none of it; a name absent here requires nothing.
 */
export class Declarations {
  /** Grants each method requires, frozen; only methods that require some. */
  readonly methodGrants = new Map<string, readonly string[]>();
  /** Grants each subscription requires. */
  readonly subscriptionGrants = new Map<string, readonly string[]>();
  /** Result schemas, for discovery. */
  readonly results = new Map<string, StandardSchemaV1>();

  /**
   * Checks what `register(name, …, options)` declares, throwing on a malformed `requires`, and
   * returns the step that records it, to take once the name is registered: a method must never
   * be served without the grants it was meant to require.
   */
  method(name: string, options: RegisterOptions | undefined): () => void {
    const requires = checked(name, options?.requires);
    const result = options?.result;
    return () => {
      if (requires) this.methodGrants.set(name, requires);
      if (result) this.results.set(name, result);
    };
  }

  /** As `method`, for `subscription(name, …, options)`. */
  subscription(name: string, options: ServedSubscriptionOptions | undefined): () => void {
    const requires = checked(name, options?.requires);
    return () => {
      if (requires) this.subscriptionGrants.set(name, requires);
    };
  }
}

/** A frozen copy, so that a later change to the caller's array grants nothing; undefined when empty. */
function checked(name: string, requires: readonly string[] | undefined): readonly string[] | undefined {
  if (requires === undefined) return undefined;
  if (!Array.isArray(requires)) throw new TypeError(`tether: "${name}" requires must be an array of grants`);
  for (const grant of requires) {
    if (typeof grant !== 'string' || grant === '') {
      throw new TypeError(`tether: "${name}" requires a grant that is not a non-empty string`);
    }
  }
  return requires.length > 0 ? Object.freeze([...requires]) : undefined;
}
