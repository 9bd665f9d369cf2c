import { MethodTable, type Handler, type HandlerTree, type MethodOptions } from './methods.js';
import type { Implementation } from './contract.js';
import type { Middleware } from './middleware.js';

/**
 * The methods and middleware a peer serves. A server shares one Service between all its
 * connections so that a connection costs no per-method memory; a lone peer makes its own.
 */
export class Service<Ctx = unknown> {
  /** @internal */
  readonly methods = new MethodTable();
  /** @internal */
  readonly middleware: Middleware<Ctx>[] = [];

  /** Serves `name` with `handler`. */
  register(name: string, handler: Handler<Ctx>, options?: MethodOptions): this {
    this.methods.add(name, handler, options);
    return this;
  }

  /** Serves a tree of handlers, checked against a contract at compile time: `serve<Api>({ math: { add } })`. */
  serve<C>(implementation: Implementation<C, Ctx>): this;
  serve(tree: HandlerTree<Ctx>): this;
  serve(tree: object): this {
    this.methods.addTree(tree as HandlerTree<Ctx>);
    return this;
  }

  /** Adds a middleware around every incoming call, after those added before it. */
  use(middleware: Middleware<Ctx>): this {
    this.middleware.push(middleware);
    return this;
  }
}
