import type { CallContext } from './context.js';

/**
 * Runs around every incoming call and notification (logging, auth, limits). Call `next()`
 * to go on and get the result; throw an RpcError, or return without calling it, to answer instead.
 */
export type Middleware<Ctx = unknown> = (call: CallContext<Ctx>, next: () => Promise<unknown>) => unknown;

/** Composes middleware in order around the final step; each layer's `next` may be called once. */
export function runMiddleware<Ctx>(
  stack: readonly Middleware<Ctx>[],
  call: CallContext<Ctx>,
  last: () => unknown,
): Promise<unknown> {
  const step = async (index: number): Promise<unknown> => {
    const layer = stack[index];
    if (!layer) return last();
    let called = false;
    return layer(call, () => {
      if (called) return Promise.reject(new Error('tether: middleware called next() twice'));
      called = true;
      return step(index + 1);
    });
  };
  return step(0);
}
