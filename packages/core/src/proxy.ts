import type { Remote } from './contract.js';

type Invoke = (method: string, args: unknown[]) => Promise<unknown>;

interface Target {
  path: string;
  invoke: Invoke;
  /** The nodes read from this one so far, so that `remote.math` is the same node every time. */
  children: Map<string, unknown> | undefined;
}

/**
 * What `call`, `apply` and `bind` do on a method node: what they do on any function, with the
 * call going to the other side (`this` is ignored, as the other side has none of ours). So a
 * remote method named `call`, `apply` or `bind` is reached with `peer.call('x.call')` instead.
 */
const functionKeys: Record<string, (self: (...args: unknown[]) => unknown) => unknown> = {
  call: (self) => (_this: unknown, ...args: unknown[]) => self(...args),
  apply: (self) => (_this: unknown, args?: ArrayLike<unknown>) => self(...Array.from(args ?? [])),
  bind: (self) => (_this: unknown, ...bound: unknown[]) => (...args: unknown[]) => self(...bound, ...args),
};

/**
 * One handler for every node of every proxy: a node is a function target carrying its dotted
 * path, so reading a property makes a child (once; it is kept) and calling one makes the call.
 * `then` reads as undefined so that `await remote` is not mistaken for a thenable.
 */
const handler: ProxyHandler<Target> = {
  get(target, key, receiver) {
    if (typeof key !== 'string' || key === 'then') return undefined;
    if (target.path && Object.hasOwn(functionKeys, key)) return functionKeys[key]!(receiver as (...a: unknown[]) => unknown);
    const children = (target.children ??= new Map());
    let child = children.get(key);
    if (child === undefined) {
      child = node(target.path ? `${target.path}.${key}` : key, target.invoke);
      children.set(key, child);
    }
    return child;
  },
  apply(target, _this, args: unknown[]) {
    if (!target.path) throw new TypeError('tether: the remote root is not callable');
    return target.invoke(target.path, args);
  },
  construct(target) {
    throw new TypeError(`tether: ${target.path ? `remote method "${target.path}"` : 'the remote root'} is not a constructor`);
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
  // A function target is what makes the `apply` and `construct` traps reachable.
  const target = Object.assign(function remote() {}, { path, invoke, children: undefined }) as unknown as Target;
  return new Proxy(target, handler);
}

/** Builds the typed proxy `peer.remote<C>()` returns. */
export function createRemote<C>(invoke: Invoke): Remote<C> {
  return node('', invoke) as Remote<C>;
}
