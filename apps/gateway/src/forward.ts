import { ErrorCode, RpcError, type Params } from '@tether/core';
import type { Backend, BackendPool } from './backend-pool.js';

/** What one forwarded call needs besides its method and params. */
export interface ForwardOptions {
  readonly service: string;
  /** Retry once on another back end when this one went away mid-call. */
  readonly idempotent: boolean;
  readonly timeout: number;
  /** The caller's cancel; none for a load the cache shares between callers. */
  readonly signal: AbortSignal | undefined;
  /** Told of each retry on another back end, for a metric. */
  readonly onRetry: (from: string) => void;
}

/** Back-end failures that mean the back end is gone, not that it answered with an error. */
const GONE: ReadonlySet<number> = new Set([ErrorCode.ConnectionClosed, ErrorCode.Unavailable]);

/**
 * Calls `method` on a back end of its service. The back end's own error answers go to the
 * caller as they are (code, message, data), as a fresh RpcError: rethrown as it came, the
 * dispatcher would hide it as a nested call's failure (-32603). A back end that went away
 * mid-call fails the call with Unavailable saying so and that it may have run, unless the method
 * is idempotent, which is then retried once on another back end.
 */
export async function forward(
  method: string,
  params: Params | undefined,
  options: ForwardOptions,
  pool: BackendPool,
): Promise<unknown> {
  const first = await pool.pick(options.service, method);
  try {
    return await callOn(first, method, params, options);
  } catch (error) {
    if (!(error instanceof RpcError) || !GONE.has(error.code) || !options.idempotent || options.signal?.aborted) {
      throw answer(error, method, first);
    }
    options.onRetry(first.name);
    const second = await pool.pick(options.service, method, first.key);
    try {
      return await callOn(second, method, params, options);
    } catch (again) {
      throw answer(again, method, second);
    }
  }
}

function callOn(
  backend: Backend,
  method: string,
  params: Params | undefined,
  options: ForwardOptions,
): Promise<unknown> {
  return backend.client.call(
    method,
    params,
    options.signal ? { timeout: options.timeout, signal: options.signal } : { timeout: options.timeout },
  );
}

/** The error the gateway's caller gets for a back end's failure. */
function answer(error: unknown, method: string, backend: Backend): RpcError {
  if (!(error instanceof RpcError)) {
    return new RpcError(ErrorCode.InternalError, `gateway: ${method} failed on ${backend.name}`);
  }
  if (GONE.has(error.code)) {
    return new RpcError(
      ErrorCode.Unavailable,
      `gateway: back end ${backend.name} went away during ${method} (${error.message}); it may have run, retry if it is safe to`,
      { backend: backend.name },
    );
  }
  if (error.code === ErrorCode.Timeout) {
    return new RpcError(ErrorCode.Timeout, `gateway: ${method} got no answer from ${backend.name}: ${error.message}`, {
      backend: backend.name,
    });
  }
  return new RpcError(error.code, error.message, error.data);
}
