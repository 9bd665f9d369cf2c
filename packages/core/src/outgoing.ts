import { callFailure, ErrorCode, RpcError, type ErrorObject } from './errors.js';
import { CANCEL_METHOD } from './protocol.js';

/** Per-call options. */
export interface CallOptions {
  /**
   * Milliseconds before the call rejects with a Timeout error, restarted by each progress report
   * when `onProgress` is set; 0 waits forever. Default: the peer's `timeout`.
   */
  timeout?: number;
  /** Aborting rejects the call at once and asks the other side to cancel its handler. */
  signal?: AbortSignal;
  /**
   * Receives each progress value the handler reports (`this.progress(value)`), before the result.
   * Asking for progress sends the params by name with `_meta.progressToken`, and each progress
   * notification restarts the call's `timeout`. Default: none (no progress is asked for).
   */
  onProgress?: (value: unknown) => void;
  /**
   * Milliseconds a call with `onProgress` may take in all, however often progress restarts its
   * timeout; 0 for no limit. Default 600000 (10 minutes).
   */
  maxTimeout?: number;
}

/** How long a call with progress may run in all, unless its `maxTimeout` says otherwise. */
const MAX_TIMEOUT = 600_000;

/** What OutgoingCalls needs of its peer. */
interface CallHost {
  notify(method: string, params: { id: number }): unknown;
  /** Why the peer has no transport, in words, for a queued call that times out. */
  readonly offlineReason?: string | undefined;
}

interface Pending {
  readonly method: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: RpcError) => void;
  /** performance.now() past which the call times out; 0 for none. Progress moves it later. */
  deadline: number;
  readonly timeout: number;
  /** When the call was opened (performance.now() time), what `maxTimeout` counts from. */
  readonly start: number;
  readonly options: CallOptions | undefined;
  /** Listens on `options.signal`, where there is one. */
  onAbort: (() => void) | undefined;
  /** Whether the request left this side; an unsent one can wait out a reconnect. */
  sent: boolean;
  /** Sees a result synchronously, before any later message is handled (a subscription learning its id). */
  readonly onResult: ((value: unknown) => void) | undefined;
}

/**
 * Our own calls awaiting a response. It owns every pending promise: each entry is settled
 * exactly once, by a response, a timeout, an abort or a close, and its abort listener goes
 * with it. Timeouts share one timer, armed for the earliest deadline and cleared when no call
 * with a deadline is pending: a timer per call was a tenth of a pipelined call's cost in the core.
 */
export class OutgoingCalls {
  // Made on first call: a connection that never calls out should not pay for a Map.
  #pending: Map<number, Pending> | undefined;
  #nextId = 1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Pending calls with a deadline: the timer is cleared when none is left. */
  #timed = 0;
  /** When the armed timer fires (performance.now() time). */
  #timerAt = 0;

  /** Who tells the other side to stop a call nobody waits for any more, and why calls wait unsent (the peer). */
  readonly #canceller: CallHost;

  constructor(canceller: CallHost) {
    this.#canceller = canceller;
  }

  get size(): number {
    return this.#pending?.size ?? 0;
  }

  /** Registers a call and returns its id and promise; the caller sends the request. */
  open<T>(
    method: string,
    options: CallOptions | undefined,
    timeout: number,
    onResult?: (value: unknown) => void,
  ): [number, Promise<T>] {
    const id = this.#nextId++;
    const signal = options?.signal;
    const promise = new Promise<T>((resolve, reject) => {
      const start = performance.now();
      const deadline = timeout > 0 ? start + timeout : 0;
      const entry: Pending = {
        method,
        resolve: resolve as (value: unknown) => void,
        reject,
        deadline,
        timeout,
        start,
        options,
        onAbort: undefined,
        sent: false,
        onResult,
      };
      (this.#pending ??= new Map()).set(id, entry);
      if (deadline > 0) {
        this.#timed++;
        if (this.#timer === undefined || deadline < this.#timerAt) this.#arm(deadline);
      }
      if (signal) {
        if (signal.aborted) {
          this.settleError(id, cancelled(method, signal.reason));
          return;
        }
        entry.onAbort = () => {
          const wasSent = entry.sent;
          this.settleError(id, cancelled(method, signal.reason));
          if (wasSent) this.#canceller.notify(CANCEL_METHOD, { id });
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
    });
    return [id, promise];
  }

  has(id: number): boolean {
    return this.#pending?.has(id) ?? false;
  }

  markSent(id: number): void {
    const entry = this.#pending?.get(id);
    if (entry) entry.sent = true;
  }

  /** Settles from a wire response; returns false for an id we are not waiting on. */
  settleFromWire(id: unknown, message: Record<string, unknown>): boolean {
    // Our ids are numbers: any other id finds no entry.
    const entry = this.#take(id as number);
    if (!entry) return false;
    if ('error' in message) {
      const error = message.error as ErrorObject | null;
      entry.reject(
        callFailure(
          typeof error === 'object' && error !== null && typeof error.code === 'number'
            ? new RpcError(error.code, String(error.message), error.data)
            : new RpcError(ErrorCode.InternalError, 'tether: malformed error response'),
          entry.method,
          true,
        ),
      );
    } else {
      entry.onResult?.(message.result);
      entry.resolve(message.result);
    }
    return true;
  }

  /**
   * A `$/progress` notification's params: our own calls use their id as the token. Restarting
   * the deadline only moves a number: the shared timer finds the later deadline when it fires.
   */
  progress(params: unknown): void {
    const { token, value } = (params ?? {}) as { token?: unknown; value?: unknown };
    const entry = this.#pending?.get(token as number);
    const options = entry?.options;
    if (!entry || !options?.onProgress) return;
    if (entry.deadline > 0) {
      const cap = entry.start + ((options.maxTimeout ?? MAX_TIMEOUT) || Infinity);
      entry.deadline = Math.max(entry.deadline, Math.min(performance.now() + entry.timeout, cap));
    }
    options.onProgress(value);
  }

  settleError(id: number, error: RpcError): void {
    const entry = this.#take(id);
    entry?.reject(callFailure(error, entry.method));
  }

  /** Rejects every call, or only those already sent (the rest may wait for a new transport). */
  rejectAll(error: RpcError, onlySent = false): void {
    if (!this.#pending) return;
    for (const [id, entry] of this.#pending) {
      if (!onlySent || entry.sent) this.settleError(id, error);
    }
  }

  #take(id: number): Pending | undefined {
    const entry = this.#pending?.get(id);
    if (!entry) return undefined;
    this.#pending!.delete(id);
    if (entry.deadline > 0 && --this.#timed === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (entry.onAbort) entry.options!.signal!.removeEventListener('abort', entry.onAbort);
    return entry;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    // Rounded up: a timer firing a fraction early would only find nothing due yet.
    this.#timer = setTimeout(OutgoingCalls.#fire, Math.max(1, Math.ceil(at - performance.now())), this);
  }

  /** The timer's callback: static, so that no closure is kept per connection. */
  static #fire(calls: OutgoingCalls): void {
    calls.#expire();
  }

  /** Times out every call past its deadline, then arms the timer for the earliest one left. */
  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    let next = 0;
    if (!this.#pending) return;
    for (const [id, entry] of this.#pending) {
      if (entry.deadline === 0) continue;
      if (entry.deadline <= now) {
        const wasSent = entry.sent;
        const offline = wasSent ? undefined : this.#canceller.offlineReason;
        const why = entry.options?.onProgress ? ' without progress, or at its maxTimeout' : '';
        const message = `tether: ${entry.method} timed out after ${entry.timeout} ms${why}`;
        this.settleError(id, new RpcError(ErrorCode.Timeout, offline ? `${message}; never sent: ${offline}` : message));
        // Nobody waits for the answer any more: let the other side stop working on it.
        if (wasSent) this.#canceller.notify(CANCEL_METHOD, { id });
      } else if (next === 0 || entry.deadline < next) {
        next = entry.deadline;
      }
    }
    if (next > 0) this.#arm(next);
  }
}

function cancelled(method: string, reason: unknown): RpcError {
  return new RpcError(ErrorCode.Cancelled, `tether: ${method} was cancelled`, undefined, { cause: reason });
}
