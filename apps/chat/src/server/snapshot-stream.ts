import type { EventStream } from '@tether/core';
import type { ChatStore, ChatStoreEvents } from './store/chat-store.js';

/**
 * A subscription to a piece of state: the whole of it at once, then again after each change.
 * Changes in the same tick are pushed once. No event ids: a resubscribe after a reconnect gets
 * a fresh snapshot, which is all a list of rooms or people needs.
 */
export function snapshotStream<K extends keyof ChatStoreEvents, T>(
  store: ChatStore,
  event: K,
  read: () => T,
  relevant: (...args: ChatStoreEvents[K]) => boolean = () => true,
): EventStream<T> {
  let listener: ((...args: ChatStoreEvents[K]) => void) | undefined;
  return {
    open(sink) {
      let scheduled = false;
      const push = () => {
        scheduled = false;
        if (listener) sink.next(read());
      };
      listener = (...args) => {
        if (scheduled || !relevant(...args)) return;
        scheduled = true;
        queueMicrotask(push);
      };
      store.on(event, listener as never);
      sink.next(read());
    },
    close() {
      if (listener) store.off(event, listener as never);
      listener = undefined;
    },
  };
}
