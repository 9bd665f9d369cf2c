import { ErrorCode, type ErrorObject } from '@tether/core';

/**
 * What answers a call whose result a connection's full send queue refused: small, so that the
 * queue stays bounded, and saying which call it was and what the client can do.
 */
export function resultRefused(method: string, limit: number): ErrorObject {
  return {
    code: ErrorCode.Overloaded,
    message: `Response to ${method} not sent: the connection's send queue is over its limit (${limit} bytes); read faster, or ask for smaller results`,
    data: { method, limit },
  };
}
