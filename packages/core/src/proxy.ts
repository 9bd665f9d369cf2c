import type { Remote } from './contract.js';
import type { CallOptions } from './outgoing.js';

/** Makes one call (or, for a subscriptions proxy, one subscription) for the node at `path`. */
type Invoke = (path: string, args: unknown[], options: CallOptions) => unknown;

interface Target {
  path: string;
  invoke: Invoke;
  /** The options every call through this node carries; undefined on a proxy without `with` (subscriptions). */
  options: CallOptions | undefined;
  /** The nodes read from this one so far, so that `remote.math` is the same node every time; made on first read. */
  children?: Record<string, unknown>;
}

function readOnly(): never {
  throw new TypeError('tether: a remote proxy is read-only');
}

/**
 * One handler for every node of every proxy: a node is a function target carrying its dotted
 * path, so reading a property makes a child (once; it is kept) and calling one makes the call.
 * `then` reads as undefined so that `await remote` is not mistaken for a thenable. The root's
 * `with(options)` is a new root whose calls carry those options over this one's (per call:
 * `remote.with({ onProgress }).jobs.build(x)`).
 */
const handler: ProxyHandler<Target> = {
  get(target, key) {
    if (typeof key !== 'string' || key === 'then') return undefined;
    const { path, invoke, options } = target;
    if (!path && key === 'with' && options) {
      return (more: CallOptions) => node('', invoke, { ...options, ...more });
    }
    // On a method, call/apply/bind are a function's own: called on the node, they call it, and
    // the call goes out (`this` ignored). A remote method of one of these names: use peer.call.
    if (path && (key === 'call' || key === 'apply' || key === 'bind')) return (target as never as Function)[key];
    // A prototype-less record: no key, `__proto__` included, finds anything it was not given.
    return ((target.children ??= Object.create(null) as Record<string, unknown>)[key] ??= node(
      path ? `${path}.${key}` : key,
      invoke,
      options,
    ));
  },
  apply(target, _this, args: unknown[]) {
    if (!target.path) throw new TypeError('tether: the remote root is not callable');
    return target.invoke(target.path, args, target.options ?? {});
  },
  set: readOnly,
  defineProperty: readOnly,
  deleteProperty: readOnly,
};

function node(path: string, invoke: Invoke, options: CallOptions | undefined): unknown {
  // A function target makes the `apply` trap reachable; an arrow function, having no
  // [[Construct]], makes `new` on any node throw a TypeError, as on a method of an object.
  const target = Object.assign(() => {}, { path, invoke, options }) as unknown as Target;
  return new Proxy(target, handler);
}

/**
 * Builds the typed proxy `peer.remote<C>()` returns, its calls made with `options`; without
 * options, a proxy with no `with` (`peer.subscriptions<C>()`, whose invoke subscribes).
 */
export function createRemote<R>(invoke: Invoke, options?: CallOptions): R {
  return node('', invoke, options) as R;
}
