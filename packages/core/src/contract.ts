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
