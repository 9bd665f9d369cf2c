import { ErrorCode, RpcError } from '@tether/core';

/** What a caller holds: roles, scopes, or any names its methods `require`. */
export type Grants = readonly string[] | ReadonlySet<string>;

/** How the server reads what a connection's caller may use. */
export interface AccessOptions<Ctx> {
  /**
   * The grants of a connection's caller, read from the context `authenticate` returned, on each
   * call of a method (or subscribe to a subscription) that `requires` some. Default: the
   * context's `roles` and `scopes` string arrays, where it has them; none otherwise.
   */
  grants?: (data: Ctx) => Grants | undefined;
}

/** The default: `{ roles?: string[], scopes?: string[] }`, the shapes an authenticate usually returns. */
export function contextGrants(data: unknown): Grants | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { roles, scopes } = data as { roles?: unknown; scopes?: unknown };
  const held = [...strings(roles), ...strings(scopes)];
  return held.length > 0 ? held : undefined;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The grants of `requires` that `held` lacks, in the order required. */
export function missingGrants(held: Grants | undefined, requires: readonly string[]): string[] {
  if (!held) return [...requires];
  const has = Array.isArray(held)
    ? (g: string) => held.includes(g)
    : (g: string) => (held as ReadonlySet<string>).has(g);
  return requires.filter((grant) => !has(grant));
}

/** The -32004 a caller without the grants `name` requires gets: the method and what it lacks, for a person and for code. */
export function deniedError(name: string, missing: readonly string[]): RpcError {
  const shown = name.length > 128 ? `${name.slice(0, 128)}…` : name;
  return new RpcError(
    ErrorCode.Unauthorized,
    `Unauthorized: ${shown} requires ${missing.map((g) => `"${g}"`).join(', ')}, which this connection does not hold`,
    { method: shown, missing },
  );
}
