import type { RpcError } from '../errors.js';
import { UNSUBSCRIBE_METHOD } from '../protocol.js';
import type { Params, PushMessage } from '../wire.js';
import type { SubscribeOptions } from './options.js';
import { Subscription, type SubscriberHost, type SubscriptionOwner } from './subscription.js';

/**
 * One peer's subscriptions to the other side. It routes pushes by wire id, unsubscribes what a
 * subscription gives up, and after a reconnect has every live subscription ask again from its
 * last event id (each subscription makes its own requests).
 */
export class Subscriber implements SubscriptionOwner {
  readonly #byWireId = new Map<string, Subscription<unknown>>();
  readonly #all = new Set<Subscription<unknown>>();

  constructor(readonly peer: SubscriberHost) {}

  get size(): number {
    return this.#all.size;
  }

  subscribe<T>(name: string, params: Params | undefined, options: SubscribeOptions<T>): Subscription<T> {
    const sub = new Subscription<T>(name, params, options, this);
    // One whose signal was already aborted has ended (and been released) as it was made.
    if (!sub.ended) {
      this.#all.add(sub as Subscription<unknown>);
      sub.requestWire();
    }
    return sub;
  }

  /** An `rpc.subscription` push's params, as received: anything but a known subscription's is ignored. */
  receive(params: unknown): void {
    const message = params as PushMessage | undefined;
    // Every key is a string, so no other value of `subscription` finds one.
    this.#byWireId.get(message?.subscription as string)?.receive(message!);
  }

  /** The transport dropped: the other side has forgotten every subscription. */
  detached(): void {
    this.#byWireId.clear();
    for (const sub of this.#all) sub.lostWire();
  }

  attached(): void {
    for (const sub of this.#all) sub.requestWire();
  }

  closed(error: RpcError): void {
    for (const sub of this.#all) sub.fail(error);
    this.#all.clear();
    this.#byWireId.clear();
  }

  /** Routes the pushes under `wireId` to `sub`, once its subscribe was answered. */
  track(wireId: string, sub: Subscription<unknown>): void {
    this.#byWireId.set(wireId, sub);
  }

  /** Forgets `wireId` and unsubscribes it; forgets `sub` too once it has ended. */
  async releaseWire(sub: Subscription<unknown>, wireId: string | undefined): Promise<void> {
    if (sub.ended) this.#all.delete(sub);
    if (wireId === undefined) return;
    if (this.#byWireId.get(wireId) === sub) this.#byWireId.delete(wireId);
    if (this.peer.connected) await this.peer.call(UNSUBSCRIBE_METHOD, [wireId]).catch(() => undefined);
  }
}
