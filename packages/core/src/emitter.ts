type Listener<Args extends unknown[]> = (...args: Args) => void;

/**
 * A small typed event emitter for the core and the browser client: the subset of
 * eventemitter3's API they use (on, once, off, emit) at a fraction of its bundle size,
 * which is what keeps the client under its 8 KB budget. A listener that throws does not
 * stop the others; its error is rethrown asynchronously so it is not lost either.
 */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  // Made on first listener: most peers of a busy server never get one.
  #listeners: Map<keyof Events, Array<Listener<any>>> | undefined;

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    const listeners = (this.#listeners ??= new Map());
    const list = listeners.get(event);
    if (list) list.push(listener);
    else listeners.set(event, [listener]);
    return this;
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    const wrapper: Listener<Events[K]> & { inner?: Listener<Events[K]> } = (...args) => {
      this.off(event, wrapper);
      listener(...args);
    };
    wrapper.inner = listener;
    return this.on(event, wrapper);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    const list = this.#listeners?.get(event);
    if (!list) return this;
    const index = list.findIndex((l) => l === listener || (l as { inner?: unknown }).inner === listener);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.#listeners?.delete(event);
    return this;
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.#listeners?.get(event)?.length ?? 0;
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): boolean {
    const list = this.#listeners?.get(event);
    if (!list) return false;
    for (const listener of [...list]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }
}
