import type { CallContext } from '../context.js';
import type { MethodTable } from '../methods.js';
import { SUBSCRIPTION_NOTIFICATION } from '../protocol.js';
import type { PushMessage } from './subscriber.js';

/** Registers the method every service answers to receive pushes for its own subscriptions. */
export function installPushReceiver(table: MethodTable): void {
  table.add(
    SUBSCRIPTION_NOTIFICATION,
    function (this: CallContext<unknown>) {
      this.peer.subscriber.receive(this.params as PushMessage);
    },
    {},
    true,
  );
}
