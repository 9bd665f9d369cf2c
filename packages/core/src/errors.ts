/**
 * JSON-RPC 2.0 error codes: the five the specification defines, then Tether's own
 * from the implementation-defined range (-32000 to -32099) and LSP's cancellation code.
 */
export const ErrorCode = {
  /** The message was not valid JSON. */
  ParseError: -32700,
  /** The JSON was not a valid request object (or batch). */
  InvalidRequest: -32600,
  /** No method by that name is served. */
  MethodNotFound: -32601,
  /** The params did not fit the method (its schema, when it has one, says why in `data`). */
  InvalidParams: -32602,
  /** The handler failed with something other than an RpcError; no details reach the caller. */
  InternalError: -32603,
  /** The connection closed before a response arrived; the call may or may not have run. */
  ConnectionClosed: -32000,
  /** No response within the call's timeout. */
  Timeout: -32001,
  /**
   * A per-connection limit was reached (calls in flight, subscriptions), or a subscriber read
   * too slowly; retry once some are done.
   */
  Overloaded: -32002,
  /** The call rate limit was exceeded; `data.retryAfterMs` says when to retry. */
  RateLimited: -32003,
  /** The peer refused the call (authentication or authorization). */
  Unauthorized: -32004,
  /** Events a subscription asked for are no longer in the topic's history. */
  HistoryGap: -32005,
  /** A backend the server depends on (its shared broker) is unreachable; the operation did not happen. Retry later. */
  Unavailable: -32006,
  /** The request was cancelled by its caller (the code LSP uses). */
  Cancelled: -32800,
} as const;

const defaultMessages: Record<number, string> = {
  [ErrorCode.ParseError]: 'Parse error',
  [ErrorCode.InvalidRequest]: 'Invalid Request',
  [ErrorCode.MethodNotFound]: 'Method not found',
  [ErrorCode.InvalidParams]: 'Invalid params',
  [ErrorCode.InternalError]: 'Internal error',
};

/** The wire shape of a JSON-RPC error object. */
export interface ErrorObject {
  /** The error code: one of `ErrorCode`, or the application's own. */
  code: number;
  /** A short description for a person. */
  message: string;
  /** Further details, as the side that failed chose to give them. */
  data?: unknown;
}

/** An error with a JSON-RPC code: what a handler throws to choose its error, and what a failed call rejects with. */
export class RpcError extends Error {
  /** The JSON-RPC error code (see `ErrorCode`). */
  readonly code: number;
  /** The error's `data` member, sent to the peer as given. */
  readonly data: unknown;

  constructor(code: number, message?: string, data?: unknown, options?: { cause?: unknown }) {
    super(message ?? defaultMessages[code] ?? 'Server error', options);
    this.name = 'RpcError';
    this.code = code;
    this.data = data;
  }

  /** The error as it goes on the wire: no stack, no cause. */
  toJSON(): ErrorObject {
    const out: ErrorObject = { code: this.code, message: this.message };
    if (this.data !== undefined) out.data = this.data;
    return out;
  }

  /** Rebuilds an error received from the wire, as the other side sent it. */
  static fromWire(error: ErrorObject): RpcError {
    return new RpcError(error.code, error.message, error.data);
  }
}

/**
 * The method each error failed, for the errors our own calls rejected with. A handler that lets
 * one through did not itself fail with that code: its caller must not read a nested call's
 * -32601 as "your method is missing", nor its timeout as its own.
 */
const failedCalls = new WeakMap<RpcError, string>();

/**
 * @internal What our call to `method` rejects with: `error` itself when it was made for this
 * call alone, else a copy, since a shared error (a close's) is also a handler's abort reason.
 */
export function callFailure(error: RpcError, method: string, fresh = false): RpcError {
  // The error itself as the options: its `cause`, where it has one, carries over.
  const own = fresh ? error : new RpcError(error.code, error.message, error.data, error);
  failedCalls.set(own, method);
  return own;
}

/** @internal The method whose call rejected with `error`, if it came from one of our calls. */
export const failedCall = (error: unknown): string | undefined => failedCalls.get(error as RpcError);

/**
 * What the peer sees of a thrown value: an RpcError as it is, anything else as a bare
 * -32603 so that no message, stack or internal detail leaks over the wire. An error a nested
 * call rejected with (one of ours, answered or not) becomes -32603 naming that call and its
 * code; to pass such an error on as is, throw a new RpcError with its code.
 */
export function toWireError(thrown: unknown): ErrorObject {
  if (thrown instanceof RpcError) {
    const nested = failedCalls.get(thrown);
    if (nested === undefined) return thrown.toJSON();
    return {
      code: ErrorCode.InternalError,
      message: `Internal error: nested call ${nested} failed`,
      data: { nested: { method: nested, code: thrown.code } },
    };
  }
  return { code: ErrorCode.InternalError, message: 'Internal error' };
}
