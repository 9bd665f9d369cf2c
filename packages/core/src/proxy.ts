import type { Remote } from './contract.js';

type Invoke = (method: string, args: unknown[]) => Promise<unknown>;

interface Target {
  path: string;
  invoke: Invoke;
  /** The nodes read from this one so far, so that `remote.math` is the same node every time; made on first read. */
  children?: Record<string, unknown>;
}

function readOnly(): never {
  throw new TypeError('tether: a remote proxy is read-only');
}

/**
 * One handler for every node of every proxy: a node is a function target carrying its dotted
 * path, so reading a property makes a child (once; it is kept) and calling one makes the call.
 * `then` reads as undefined so that `await remote` is not mistaken for a thenable.
 */
const handler: ProxyHandler<Target> = {
  get(target, key) {
    if (typeof key !== 'string' || key === 'then') return undefined;
    // On a method, call/apply/bind are a function's own: called on the node, they call it, and
    // the call goes out (`this` ignored). A remote method of one of these names: use peer.call.
    if (target.path && (key === 'call' || key === 'apply' || key === 'bind')) return (target as never as Function)[key];
    // A prototype-less record: no key, `__proto__` included, finds anything it was not given.
    return ((target.children ??= Object.create(null) as Record<string, unknown>)[key] ??= node(
      target.path ? `${target.path}.${key}` : key,
      target.invoke,
    ));
  },
  apply(target, _this, args: unknown[]) {
    if (!target.path) throw new TypeError('tether: the remote root is not callable');
    return target.invoke(target.path, args);
  },
  set: readOnly,
  defineProperty: readOnly,
  deleteProperty: readOnly,
};

function node(path: string, invoke: Invoke): unknown {
  // A function target makes the `apply` trap reachable; an arrow function, having no
  // [[Construct]], makes `new` on any node throw a TypeError, as on a method of an object.
  const target = Object.assign(() => {}, { path, invoke }) as unknown as Target;
  return new Proxy(target, handler);
}

/** Builds the typed proxy `peer.remote<C>()` returns. */
export function createRemote<C>(invoke: Invoke): Remote<C> {
  return node('', invoke) as Remote<C>;
}
