import { MethodTable, isReservedName, type Handler, type HandlerTree, type MethodOptions } from './methods.js';
import { installSubscriptionMethods } from './subscription/methods.js';
import type { SubscriptionHandler } from './subscription/publisher.js';
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
  /** @internal */
  readonly subscriptions = new Map<string, SubscriptionHandler<Ctx>>();

  constructor() {
    installSubscriptionMethods(this.methods, this.subscriptions);
  }

  /**
   * Serves a subscription: clients `subscribe(name, params)` and the handler returns what they
   * get (an EventStream such as a server topic, or an AsyncIterable), or throws to refuse.
   */
  subscription(name: string, handler: SubscriptionHandler<Ctx>): this {
    if (typeof handler !== 'function') throw new TypeError(`tether: handler for "${name}" is not a function`);
    if (name === '' || isReservedName(name)) throw new TypeError(`tether: "${name}" is a reserved name`);
    if (this.subscriptions.has(name)) throw new TypeError(`tether: subscription "${name}" is already registered`);
    this.subscriptions.set(name, handler);
    return this;
  }

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
