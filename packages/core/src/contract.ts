import type { CallContext } from './context.js';

type AnyFunction = (...args: any[]) => any;

/**
 * The caller's view of a contract: every method returns a Promise of its result.
 * A contract is a plain TypeScript type shared by both sides, e.g.
 * `type Api = { math: { add(a: number, b: number): number } }`.
 */
export type Remote<C> = {
  readonly [K in keyof C]: C[K] extends AnyFunction
    ? (...args: Parameters<C[K]>) => Promise<Awaited<ReturnType<C[K]>>>
    : C[K] extends object
      ? Remote<C[K]>
      : never;
};

/**
 * The server's side of a contract: the same tree, each method free to be async, with the
 * call's context as `this`. `peer.serve<Api>(impl)` checks an implementation against it.
 */
export type Implementation<C, Ctx = unknown> = {
  [K in keyof C]: C[K] extends AnyFunction
    ? (this: CallContext<Ctx>, ...args: Parameters<C[K]>) => ReturnType<C[K]> | Promise<Awaited<ReturnType<C[K]>>>
    : C[K] extends object
      ? Implementation<C[K], Ctx>
      : never;
};
