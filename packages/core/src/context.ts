import type { Params, RequestId } from './wire.js';
import type { CallerPeer, DispatchHost } from './faces.js';

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
  /** Aborted when the caller cancels, the connection closes, or the peer shuts down. */
  readonly signal: AbortSignal;
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

  abort(reason: unknown): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }
}
