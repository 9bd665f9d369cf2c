import type { EventEmitter } from 'node:events';
import type { EventStream } from '@tether/core';
import type { SharedEvents } from './shared/shared-chat.js';

/**
 * A subscription to a piece of state: the whole of it at once, then again after each change.
 * Changes in the same tick are pushed once, and a push that reads the same as the last is not
 * sent. No event ids: a resubscribe after a reconnect gets a fresh snapshot, which is all a
 * list of rooms or people needs.
 */
export function snapshotStream<T>(
  source: EventEmitter<SharedEvents>,
  event: keyof SharedEvents,
  read: () => T,
): EventStream<T> {
  let listener: (() => void) | undefined;
  return {
    open(sink) {
      let scheduled = false;
      let last = JSON.stringify(read());
      const push = () => {
        scheduled = false;
        if (!listener) return;
        const value = read();
        const json = JSON.stringify(value);
        if (json === last) return;
        last = json;
        sink.next(value);
      };
      listener = () => {
        if (scheduled) return;
        scheduled = true;
        queueMicrotask(push);
      };
      source.on(event, listener);
      sink.next(JSON.parse(last) as T);
    },
    close() {
      if (listener) source.off(event, listener);
      listener = undefined;
    },
  };
}
