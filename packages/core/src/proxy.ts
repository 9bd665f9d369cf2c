import type { Remote } from './contract.js';

type Invoke = (method: string, args: unknown[]) => Promise<unknown>;

interface Target {
  path: string;
  invoke: Invoke;
}

/**
 * One handler for every node of every proxy: a node is a function target carrying its dotted
 * path, so reading a property makes a child and calling one makes the call.
 * `then` reads as undefined so that `await remote` is not mistaken for a thenable.
 */
const handler: ProxyHandler<Target> = {
  get(target, key) {
    if (typeof key !== 'string' || key === 'then') return undefined;
    return node(target.path ? `${target.path}.${key}` : key, target.invoke);
  },
  apply(target, _this, args: unknown[]) {
    if (!target.path) throw new TypeError('tether: the remote root is not callable');
    return target.invoke(target.path, args);
  },
  set() {
    throw new TypeError('tether: a remote proxy is read-only');
  },
  defineProperty() {
    throw new TypeError('tether: a remote proxy is read-only');
  },
  deleteProperty() {
    throw new TypeError('tether: a remote proxy is read-only');
  },
};

function node(path: string, invoke: Invoke): unknown {
  // A function target is what makes the `apply` trap reachable.
  const target = Object.assign(function remote() {}, { path, invoke }) as unknown as Target;
  return new Proxy(target, handler);
}

/** Builds the typed proxy `peer.remote<C>()` returns. */
export function createRemote<C>(invoke: Invoke): Remote<C> {
  return node('', invoke) as Remote<C>;
}
