import type { CallOptions } from './outgoing.js';
import type { MethodSpec, SpecArgs, SpecResult } from './schema-contract.js';
import type { MethodKeys } from './subscription/contract.js';

type AnyFunction = (...args: any[]) => any;

/**
 * The caller's view of a contract: every method returns a Promise of its result.
 * A contract is a plain TypeScript type shared by both sides, e.g.
 * `type Api = { math: { add(a: number, b: number): number } }`, or the type of a
 * `defineContract({...})` of schemas (`remote<typeof api>()`).
 */
export type Remote<C> = RemoteTree<Omit<C, 'with'>> & {
  /**
   * The same proxy, its calls made with `options` over the proxy's own: per-call options that
   * keep the result type, `remote.with({ onProgress, signal, timeout }).jobs.build(x)`.
   * (A top-level method named `with` is reached with `peer.call('with', …)`.)
   */
  with(options: CallOptions): Remote<C>;
};

/** The methods of a contract tree, each returning a Promise; its subscriptions are left out (see `Subscriptions`). */
type RemoteTree<C> = {
  readonly [K in keyof C as K extends MethodKeys<C> ? K : never]: C[K] extends AnyFunction
    ? (...args: Parameters<C[K]>) => Promise<Awaited<ReturnType<C[K]>>>
    : C[K] extends MethodSpec
      ? (...args: SpecArgs<C[K], 'input'>) => Promise<SpecResult<C[K]>>
      : RemoteTree<C[K]>;
};
