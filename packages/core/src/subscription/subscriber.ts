import { ErrorCode, RpcError } from '../errors.js';
import type { SubscriberHost } from '../faces.js';
import { SUBSCRIBE_METHOD, UNSUBSCRIBE_METHOD } from '../protocol.js';
import type { Params, PushMessage } from '../wire.js';
import { Subscription, type SubscribeOptions, type SubscriptionOwner } from './subscription.js';

/** First wait before asking again for a subscription the other side could not serve for now. */
const RETRY_BASE_MS = 500;
/** Longest wait between such retries. */
const RETRY_MAX_MS = 30_000;

/**
 * One peer's subscriptions to the other side. It maps wire ids to subscriptions, restores
 * every live subscription after a reconnect from its last event id, and refills holes in the
 * event ids from the other side's history.
 */
export class Subscriber implements SubscriptionOwner {
  readonly #byWireId = new Map<string, Subscription<unknown>>();
  readonly #all = new Set<Subscription<unknown>>();

  readonly #peer: SubscriberHost;

  constructor(peer: SubscriberHost) {
    this.#peer = peer;
  }

  get size(): number {
    return this.#all.size;
  }

  subscribe<T>(name: string, params: Params | undefined, options: SubscribeOptions<T>): Subscription<T> {
    const sub = new Subscription<T>(name, params, options, this);
    this.#all.add(sub as Subscription<unknown>);
    if (!sub.ended) this.request(sub as Subscription<unknown>);
    return sub;
  }

  /** An `rpc.subscription` push's params, as received: anything but a known subscription's is ignored. */
  receive(params: unknown): void {
    const message = params as PushMessage | undefined;
    if (typeof message?.subscription !== 'string') return;
    this.#byWireId.get(message.subscription)?.receive(message);
  }

  /** The transport dropped: the other side has forgotten every subscription. */
  detached(): void {
    this.#byWireId.clear();
    for (const sub of this.#all) sub.lostWire();
  }

  attached(): void {
    for (const sub of this.#all) if (sub.needsRequest) this.request(sub);
  }

  closed(error: RpcError): void {
    for (const sub of this.#all) sub.fail(error);
    this.#all.clear();
    this.#byWireId.clear();
  }

  /** Sends a subscribe for `sub`, from its last event id. */
  request(sub: Subscription<unknown>): void {
    if (!this.#peer.connected && !this.#peer.persistent) {
      sub.fail(new RpcError(ErrorCode.ConnectionClosed, 'tether: no transport attached'));
      return;
    }
    // Undefined members are left out of the JSON; an epoch is only ever kept with an event id.
    const body = { name: sub.name, params: sub.params, after: sub.lastEventId, epoch: sub.epoch };
    sub.requested();
    this.#peer
      .callWith(SUBSCRIBE_METHOD, body, { timeout: sub.timeout }, (wireId) => {
        // Synchronous with the response, so a push that follows it finds its subscription.
        if (typeof wireId !== 'string') return;
        if (sub.ended) {
          // Unsubscribed while the request was in flight: release what the other side just opened.
          void this.release(sub, wireId);
          return;
        }
        this.#byWireId.set(wireId, sub);
        sub.acknowledged(wireId);
      })
      .catch((error: RpcError) => {
        if (sub.ended) return;
        if (error.code === ErrorCode.Unavailable) {
          // The other side's broker is down for now: ask again later rather than end the stream.
          this.#retryLater(sub);
          return;
        }
        if (error.code === ErrorCode.ConnectionClosed && this.#peer.persistent && !this.#peer.closed) {
          sub.lostWire(); // re-requested on the next attach
          if (this.#peer.connected) this.request(sub);
          return;
        }
        sub.fail(error);
      });
  }

  #retryLater(sub: Subscription<unknown>): void {
    sub.lostWire();
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** sub.refused());
    const timer = setTimeout(() => {
      if (sub.needsRequest && this.#peer.connected) this.request(sub);
    }, delay);
    (timer as { unref?: () => void }).unref?.();
  }

  /** Forgets `wireId` and unsubscribes it; forgets `sub` too once it has ended. */
  async release(sub: Subscription<unknown>, wireId: string | undefined): Promise<void> {
    if (sub.ended) this.#all.delete(sub);
    if (wireId === undefined) return;
    if (this.#byWireId.get(wireId) === sub) this.#byWireId.delete(wireId);
    if (this.#peer.connected) await this.#peer.call(UNSUBSCRIBE_METHOD, [wireId]).catch(() => undefined);
  }
}
