import { IncomingCall } from './context.js';
import type { CallMeta } from './meta.js';
import { CANCEL_METHOD, PING_METHOD, PROGRESS_METHOD, SUBSCRIPTION_NOTIFICATION } from './protocol.js';
import { ErrorCode, failedCall, RpcError, toWireError, type ErrorObject } from './errors.js';
import type { DispatchHost } from './faces.js';
import { runMiddleware } from './middleware.js';
import type { OutgoingCalls } from './outgoing.js';
import type { Service } from './service.js';
import { encodeError, encodeResult, isId, isParams, type RequestId } from './wire.js';

/**
 * A call's result, encoded, with its call: the queue may refuse it (then the call is answered
 * -32002), unless it has a hook that must run once it is written (a subscription's first push).
 */
interface Outcome {
  text: string;
  call: IncomingCall<unknown>;
}
type Answer = string | Outcome | undefined;
type Reply = Answer | Promise<Answer>;

/**
 * Sends a response on the connection a message came on (the peer binds it, so a handler that
 * outlives its connection never answers on the next). A `refusable` one (a result) the transport
 * may refuse: then what answers each refused call, by its method, is returned.
 */
export type ReplyChannel = (text: string, refusable?: boolean) => ((method: string) => ErrorObject) | undefined;

const invalidRequest = (id: RequestId) =>
  encodeError(id, { code: ErrorCode.InvalidRequest, message: 'Invalid Request' });

/** How much of a method name an error echoes: the name is the caller's, and may be as long as a frame. */
const ECHOED_NAME = 128;

const methodNotFound = (id: RequestId, method: string) => {
  const name = method.length > ECHOED_NAME ? `${method.slice(0, ECHOED_NAME)}…` : method;
  return encodeError(id, {
    code: ErrorCode.MethodNotFound,
    message: `Method not found: ${name}`,
    data: { method: name },
  });
};

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/**
 * Serves what the other side sends: parses, validates against JSON-RPC 2.0, and sorts each
 * message by kind. A response settles our call; a subscription push goes straight to the
 * subscriptions this side holds (no method table, middleware, guard or in-flight slot: it is
 * not a call); a request or notification runs its handler through middleware, and every
 * request with a valid id gets exactly one response.
 */
export class Dispatcher<Ctx> {
  /** Incoming calls still running, by id, so a cancel can reach them; made on first use. */
  #running: Map<RequestId, IncomingCall<Ctx>> | undefined;
  #inFlight = 0;
  // Fields, not a host object of closures: an idle connection should cost little memory.
  readonly #peer: DispatchHost<Ctx>;
  readonly #service: Service<Ctx>;
  readonly #outgoing: OutgoingCalls;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;

  constructor(
    peer: DispatchHost<Ctx>,
    service: Service<Ctx>,
    outgoing: OutgoingCalls,
    maxBatch: number,
    maxInFlight: number,
  ) {
    this.#peer = peer;
    this.#service = service;
    this.#outgoing = outgoing;
    this.#maxBatch = maxBatch;
    this.#maxInFlight = maxInFlight;
  }

  get inFlightCount(): number {
    return this.#inFlight;
  }

  /** Handles one incoming message, answering on `channel`. */
  receive(text: string, channel: ReplyChannel): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      channel(encodeError(null, { code: ErrorCode.ParseError, message: 'Parse error' }));
      return;
    }
    if (Array.isArray(message)) {
      this.#receiveBatch(message, channel);
      return;
    }
    const reply = this.#handle(message);
    if (reply instanceof Promise) void reply.then((answer) => this.#write(answer, channel));
    else this.#write(reply, channel);
  }

  #write(answer: Answer, channel: ReplyChannel): void {
    if (answer === undefined) return;
    if (typeof answer === 'string') {
      channel(answer);
      return;
    }
    const { text, call } = answer;
    const hook = call.afterReply;
    const refusal = channel(text, !hook);
    if (refusal) channel(encodeError(call.id!, refusal(call.method)));
    hook?.();
  }

  abortAll(reason: unknown): void {
    if (this.#running) for (const call of this.#running.values()) call.abort(reason);
  }

  #receiveBatch(items: unknown[], channel: ReplyChannel): void {
    if (items.length === 0) {
      channel(invalidRequest(null));
      return;
    }
    // An over-long batch runs none of its entries, yet each request in it is answered, so that
    // every caller settles at once. Responses in it still settle our calls: they cost no work
    // here, and the other side may answer a long batch of ours in one array.
    const refusal =
      items.length > this.#maxBatch
        ? { code: ErrorCode.InvalidRequest, message: `Batch too large: ${items.length} > ${this.#maxBatch}` }
        : undefined;
    const replies = items.map((item) => this.#handle(item, refusal));
    const done = (answers: Answer[]) => {
      const given = answers.filter((answer) => answer !== undefined);
      const hooks: Array<() => void> = [];
      for (const answer of given)
        if (typeof answer !== 'string' && answer.call.afterReply) hooks.push(answer.call.afterReply);
      // An all-notification batch gets no response at all, not an empty array.
      if (given.length === 0) return;
      // One array, so refused as one: each result in it is replaced by its error, the rest kept.
      const array = (texts: string[]) => `[${texts.join(',')}]`;
      const refusal = channel(array(given.map((a) => (typeof a === 'string' ? a : a.text))), hooks.length === 0);
      if (refusal)
        channel(array(given.map((a) => (typeof a === 'string' ? a : encodeError(a.call.id!, refusal(a.call.method))))));
      for (const hook of hooks) hook();
    };
    if (replies.every((r) => !(r instanceof Promise))) done(replies as Answer[]);
    else void Promise.all(replies).then(done);
  }

  /** Handles one message: runs it, or with a `refusal` answers it with that error instead. */
  #handle(message: unknown, refusal?: ErrorObject): Reply {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return invalidRequest(null);
    }
    const m = message as Record<string, unknown>;
    const hasId = 'id' in m;
    if (!('method' in m) && hasId && ('result' in m || 'error' in m)) {
      if (!this.#outgoing.settleFromWire(m.id, m)) this.#peer.reportStray(m);
      return undefined;
    }
    const id = hasId && isId(m.id) ? m.id : null;
    if (m.jsonrpc !== '2.0' || typeof m.method !== 'string' || (hasId && !isId(m.id))) {
      return invalidRequest(id);
    }
    if (m.params !== undefined && !isParams(m.params)) return invalidRequest(id);
    if (refusal) return hasId ? encodeError(id, refusal) : undefined;
    if (!hasId) {
      // A push or a progress report is not a call: it goes straight to its owner, and nothing answers it.
      if (m.method === SUBSCRIPTION_NOTIFICATION) return void this.#peer.receivePush(m.params);
      if (m.method === PROGRESS_METHOD) return void this.#outgoing.progress(m.params);
    }
    return this.#invoke(m.method, m.params, hasId ? id : undefined);
  }

  #invoke(method: string, params: unknown, id: RequestId | undefined): Reply {
    const isRequest = id !== undefined;
    // `_meta` is the caller's word to Tether (MCP's convention), never a handler's param.
    let meta: CallMeta | undefined;
    // Params are an object or an array by now, and an array parsed from JSON has no `_meta`.
    if (params !== undefined && '_meta' in (params as object)) {
      const { _meta, ...rest } = params as { _meta?: unknown };
      params = rest;
      // Parsed JSON: an object or array is an Object; null and the scalars are not, and carry nothing.
      if (_meta instanceof Object) meta = _meta as CallMeta;
    }
    if (method === CANCEL_METHOD && !isRequest) {
      const target = (params as { id?: unknown } | undefined)?.id;
      if (isId(target)) this.#running?.get(target)?.abort(new RpcError(ErrorCode.Cancelled, 'Request cancelled'));
      return undefined;
    }
    const { methods, middleware, guard } = this.#service;
    const entry = methods.get(method);
    if (!entry) {
      // Looked for only here: a reserved name is never in the table, and calls pay nothing for it.
      if (method === PING_METHOD) return isRequest ? encodeResult(id, null) : undefined;
      return isRequest ? methodNotFound(id, method) : undefined;
    }
    if (this.#inFlight >= this.#maxInFlight) {
      return isRequest
        ? encodeError(id, {
            code: ErrorCode.Overloaded,
            message: `Too many calls in flight (limit ${this.#maxInFlight})`,
          })
        : undefined;
    }
    const call = new IncomingCall(this.#peer, method, params as IncomingCall<Ctx>['params'], id);
    call.meta = meta;
    if (isRequest) call.progressToken = meta?.progressToken;
    if (guard) {
      const refusal = guard.admit(call);
      if (refusal) return this.#fail(call, refusal);
    }
    // A method served with schemas validates in its handler (validated.ts), so this path carries none of it.
    const run = () => apply(entry.handler, call);
    let result: unknown;
    try {
      result = middleware.length === 0 ? run() : runMiddleware(middleware, call, run);
    } catch (error) {
      guard?.settled(call, true);
      return this.#fail(call, error);
    }
    if (!isThenable(result)) {
      guard?.settled(call, false);
      return this.#succeed(call, result);
    }

    this.#inFlight++;
    if (isRequest) (this.#running ??= new Map()).set(id, call);
    return Promise.resolve(result).then(
      (value) => {
        this.#finish(call);
        guard?.settled(call, false);
        return this.#succeed(call, value);
      },
      (error: unknown) => {
        this.#finish(call);
        guard?.settled(call, true);
        return this.#fail(call, error);
      },
    );
  }

  #finish(call: IncomingCall<Ctx>): void {
    this.#inFlight--;
    if (call.id !== undefined && this.#running?.get(call.id) === call) this.#running.delete(call.id);
  }

  #succeed(call: IncomingCall<Ctx>, value: unknown): Answer {
    call.settle();
    if (call.id === undefined) {
      call.afterReply?.();
      return undefined;
    }
    try {
      return { text: encodeResult(call.id, value), call: call as IncomingCall<unknown> };
    } catch (error) {
      // An unserialisable result (BigInt, a cycle) is the handler's failure, not the caller's.
      return this.#fail(call, error);
    }
  }

  #fail(call: IncomingCall<Ctx>, error: unknown): string | undefined {
    call.settle();
    // The caller sees -32603 for both, so the server's owner must hear of them; a nested call
    // failing because the caller left (a cancel, a close) is no fault to report.
    if (!(error instanceof RpcError) || (failedCall(error) !== undefined && !call.signal.aborted)) {
      this.#peer.reportHandlerError(error, call.method);
    }
    if (call.id === undefined) return undefined;
    try {
      return encodeError(call.id, toWireError(error));
    } catch (unencodable) {
      // An RpcError whose data cannot be serialised (BigInt, a cycle) still owes one answer.
      this.#peer.reportHandlerError(unencodable, call.method);
      return encodeError(call.id, { code: ErrorCode.InternalError, message: 'Internal error' });
    }
  }
}

function apply<Ctx>(handler: (this: IncomingCall<Ctx>, ...args: unknown[]) => unknown, call: IncomingCall<Ctx>) {
  const params = call.params;
  if (params === undefined) return handler.call(call);
  if (Array.isArray(params)) return handler.apply(call, params);
  return handler.call(call, params);
}
