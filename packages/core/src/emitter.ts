type Listener<Args extends unknown[]> = (...args: Args) => void;

/** The listening half of an emitter: what a part that only listens is given. */
export interface Listenable<Events extends { [K in keyof Events]: unknown[] }> {
  /** Calls `listener` on each `event`. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
  /** Calls `listener` on the next `event` only. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
}

/**
 * A small typed event emitter for the core and the browser client: the subset of
 * eventemitter3's API they use (on, once, off, emit) at a fraction of its bundle size,
 * which is what keeps the client under its 8 KB budget. A listener that throws does not
 * stop the others; its error is rethrown asynchronously so it is not lost either.
 */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> implements Listenable<Events> {
  // Per event, a flat [listener, once, listener, once, ...] list: no wrapper closure or
  // entry object per listener, as a server holds one emitter per connection. Made on first use.
  #listeners: Map<keyof Events, Array<Listener<any> | boolean>> | undefined;

  /** Calls `listener` on each `event`. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    return this.#add(event, listener, false);
  }

  /** Calls `listener` on the next `event` only. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    return this.#add(event, listener, true);
  }

  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    const list = this.#listeners?.get(event);
    if (!list) return this;
    const index = list.indexOf(listener);
    if (index >= 0) list.splice(index, 2);
    if (list.length === 0) this.#listeners?.delete(event);
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount<K extends keyof Events>(event: K): number {
    return (this.#listeners?.get(event)?.length ?? 0) / 2;
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): boolean {
    const list = this.#listeners?.get(event);
    if (!list) return false;
    const snapshot = list.slice();
    for (let i = 0; i < snapshot.length; i += 2) {
      const listener = snapshot[i] as Listener<Events[K]>;
      if (snapshot[i + 1]) this.off(event, listener);
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

  #add<K extends keyof Events>(event: K, listener: Listener<Events[K]>, once: boolean): this {
    const listeners = (this.#listeners ??= new Map());
    const list = listeners.get(event);
    if (list) list.push(listener, once);
    else listeners.set(event, [listener, once]);
    return this;
  }
}
