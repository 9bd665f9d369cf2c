import type { CallContext } from '../context.js';
import type { Subscribe, SubscriptionKeys } from './contract.js';
import type { EventStream } from './stream.js';

/** The params as the handler gets them, as a method's are: by-position spread, by-name as one argument. */
type HandlerArgs<P> = P extends readonly unknown[] ? P : undefined extends P ? [params?: P] : [params: P];

/** What a subscription handler may return for events of type `E`: a stream (a server topic) or an AsyncIterable. */
export type EventSource<E> = EventStream<E> | AsyncIterable<E>;

/**
 * The server's side of a contract's subscriptions (`server.subscriptions<Api>(impl)`): each a
 * handler with the call's context as `this`, given the params as a method is (by-name as one
 * argument, by-position spread), returning the events (or a promise of them); methods are left out.
 * Apart from `Subscriptions` because it names the call context, which the peer's faces lead back to.
 */
export type SubscriptionsImplementation<C, Ctx = unknown> = {
  [K in SubscriptionKeys<C>]: C[K] extends Subscribe<infer P, infer E>
    ? (this: CallContext<Ctx>, ...args: HandlerArgs<P>) => EventSource<E> | Promise<EventSource<E>>
    : SubscriptionsImplementation<C[K], Ctx>;
};
