import type { CallContext } from './context.js';
import { MethodTable, type Handler, type HandlerTree, type Implementation } from './methods.js';
import type { RpcError } from './errors.js';
import type { Middleware } from './middleware.js';

/**
 * A synchronous check around every incoming call, for limits that must not cost an await on
 * the hot path (a middleware makes every call asynchronous): the server's rate limit and
 * shutdown gate are one.
 */
export interface CallGuard<Ctx = unknown> {
  /** Before the call runs: an RpcError refuses it with that error; undefined admits it. */
  admit(call: CallContext<Ctx>): RpcError | undefined;
  /**
   * Whether the caller of an admitted `rpc.subscribe` may open the subscription `name`, checked
   * before its params are validated or its handler runs: an RpcError refuses it. Default: it may.
   */
  authorize?(call: CallContext<Ctx>, name: string): RpcError | undefined;
  /** Once an admitted call has finished; `failed` when it threw or rejected. */
  settled(call: CallContext<Ctx>, failed: boolean): void;
}

/**
 * The methods and middleware a peer serves. A server shares one Service between all its
 * connections so that a connection costs no per-method memory; a lone peer makes its own.
 */
export class Service<Ctx = unknown> {
  /** @internal */
  readonly methods = new MethodTable();
  /** @internal */
  readonly middleware: Middleware<Ctx>[] = [];
  #guard: CallGuard<Ctx> | undefined;

  /** @internal The guard `setGuard` set, if any. */
  get guard(): CallGuard<Ctx> | undefined {
    return this.#guard;
  }

  /** Serves `name` with `handler`; with schemas, `registerValidated(service, name, handler, options)`. */
  register(name: string, handler: Handler<Ctx>): this {
    this.methods.add(name, handler);
    return this;
  }

  /**
   * Serves a tree of handlers, checked against a contract at compile time: `serve<Api>({ math: { add } })`;
   * with schemas checked at run time too, `serveValidated(service, implementation, schemas)`.
   */
  serve<C>(implementation: Implementation<C, Ctx>): this;
  serve(tree: HandlerTree<Ctx>): this;
  serve(tree: object): this {
    this.methods.addTree(tree as HandlerTree<Ctx>);
    return this;
  }

  /** Sets the one guard that admits every incoming call before middleware runs. */
  setGuard(guard: CallGuard<Ctx>): this {
    if (this.#guard) throw new TypeError('tether: a guard is already set');
    this.#guard = guard;
    return this;
  }

  /** Adds a middleware around every incoming call, after those added before it. */
  use(middleware: Middleware<Ctx>): this {
    this.middleware.push(middleware);
    return this;
  }
}
