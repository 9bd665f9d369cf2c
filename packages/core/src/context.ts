import type { CallMeta } from './meta.js';
import type { Params, RequestId } from './wire.js';
import type { CallerPeer, DispatchHost } from './faces.js';
import { PROGRESS_METHOD } from './protocol.js';

/** Progress is superseded by the next value, so a congested transport may shed it. */
const DROPPABLE = { droppable: true } as const;

/** What a handler and a middleware know of the call they serve. */
export interface CallContext<Ctx = unknown> {
  /**
   * The connection's data as the call began (for a server: what authentication returned, or the
   * last re-authentication); a re-authentication while the call runs does not change it.
   */
  readonly data: Ctx;
  /** The peer the call came in on, to call back the other side. */
  readonly peer: CallerPeer<Ctx>;
  /** The method called, as named on the wire. */
  readonly method: string;
  /** Params as received (or as the method's schema transformed them). */
  readonly params: Params | undefined;
  /** The request's id; undefined for a notification. */
  readonly id: RequestId | undefined;
  /**
   * The `_meta` object the caller sent in its params by name (a trace context, a progress
   * token), which `params` no longer holds; undefined when it sent none. For middleware.
   */
  readonly meta: CallMeta | undefined;
  /** Aborted when the caller cancels, the connection closes, or the peer shuts down. */
  readonly signal: AbortSignal;
  /**
   * Reports progress to the caller, if it asked for some (else does nothing). Cheap to call
   * often: values are coalesced, the latest sent at most once per event-loop turn (and the last
   * one just before the response), none after the response or a cancel. `value` is any JSON value; one JSON cannot hold throws.
   */
  progress(value: unknown): void;
}

/**
 * One incoming call in progress. The AbortController is made on first use of `signal`,
 * since most handlers never look at it and the hot path should not pay for it.
 */
export class IncomingCall<Ctx> implements CallContext<Ctx> {
  /** Runs once the call's response has been written: how a subscription starts pushing only after its id is out. */
  afterReply: (() => void) | undefined;
  /** Read once, so a handler sees one context from start to end even if a re-authentication replaces it meanwhile. */
  readonly data: Ctx;
  /** The caller's `_meta`, set by the dispatcher once it has taken it out of the params. */
  meta: CallMeta | undefined;
  /** The caller's progress token, any JSON value; cleared once the call is answered or aborted, so nothing is reported after. */
  progressToken: unknown;
  /** The latest value not yet sent, as JSON, while a flush is scheduled. */
  #progress: string | undefined;
  #controller: AbortController | undefined;
  #abortReason: unknown;

  constructor(
    /** The peer the call came in on, seen as the dispatcher sees it. */
    readonly peer: DispatchHost<Ctx>,
    readonly method: string,
    public params: Params | undefined,
    readonly id: RequestId | undefined,
  ) {
    this.data = peer.data;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  progress(value: unknown): void {
    if (this.progressToken === undefined) return;
    // Encoded now, in the handler's own stack, so a value JSON cannot hold (BigInt, a cycle) throws to it.
    const json = JSON.stringify(value) ?? 'null';
    // A macrotask, not a microtask: a handler whose loop only awaits promises still sends one frame a turn.
    if (this.#progress === undefined) setTimeout(IncomingCall.#flush, 0, this);
    this.#progress = json;
  }

  static #flush(call: IncomingCall<unknown>): void {
    const token = call.progressToken;
    const value = call.#progress;
    call.#progress = undefined;
    if (token !== undefined && value !== undefined) {
      call.peer.sendRaw(
        `{"jsonrpc":"2.0","method":"${PROGRESS_METHOD}","params":{"token":${JSON.stringify(token)},"value":${value}}}`,
        DROPPABLE,
      );
    }
  }

  /** Sends the pending progress, if any, and nothing after: the response goes out next. */
  settle(): void {
    IncomingCall.#flush(this);
    this.progressToken = undefined;
  }

  abort(reason: unknown): void {
    this.progressToken = undefined;
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }
}
