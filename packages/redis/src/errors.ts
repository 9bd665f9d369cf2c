import { ErrorCode, RpcError } from '@tether/core';

/**
 * The error for an operation refused or cut short because Redis cannot be reached (down,
 * restarting or not yet connected): core's `Unavailable`, which a server passes on as it is
 * and a caller may retry once the backend is back.
 */
export function unavailable(operation: string, cause?: unknown): RpcError {
  return new RpcError(
    ErrorCode.Unavailable,
    `tether/redis: ${operation} failed: Redis is unavailable`,
    { retryable: true },
    { cause },
  );
}

/** The error for a closed broker or registry: a programming error on the caller's side. */
export function closedError(what: string): RpcError {
  return new RpcError(ErrorCode.InternalError, `tether/redis: the ${what} is closed`);
}

/**
 * What a failed Redis command means to a caller: a reply error (Redis answered, but no) is an
 * internal error; anything else is the connection, so the backend counts as unavailable.
 */
export function fromRedisError(operation: string, error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  if (error instanceof Error && error.name === 'ReplyError') {
    return new RpcError(ErrorCode.InternalError, `tether/redis: ${operation} failed: ${error.message}`, undefined, {
      cause: error,
    });
  }
  return unavailable(operation, error);
}

/**
 * The error for one event Redis would not store while it stored the rest of its batch: its
 * topic's keys are unusable (a key of another type, written by something else). Nothing of
 * it was stored; the other topics' events are unaffected.
 */
export function publishRefused(topic: string, reason: string): RpcError {
  return new RpcError(ErrorCode.InternalError, `tether/redis: publish on "${topic}" failed: ${reason}`);
}
