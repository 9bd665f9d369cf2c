import type { CallContext } from '../context.js';
import type { EventStream } from './stream.js';
import type { SubscribeOptions, Subscription } from './subscription.js';

type AnyFunction = (...args: any[]) => any;

declare const subscribeMarker: unique symbol;

/**
 * A subscription in a contract, beside its methods: `{ prices: Subscribe<{ symbol: string }, Price> }`
 * declares the subscription `prices`, opened with those params, delivering `Price` events.
 * A type only: nothing of it exists at run time.
 */
export interface Subscribe<P = undefined, E = unknown> {
  /** Carries the declared types; never present at run time. */
  readonly [subscribeMarker]: {
    /** The params the subscription is opened with. */
    params: P;
    /** The type of each event. */
    event: E;
  };
}

/** Whether the contract tree `C` declares a subscription anywhere (true), or none (never). */
type HasSubscriptions<C> = {
  [K in keyof C]: C[K] extends Subscribe<any, any>
    ? true
    : C[K] extends AnyFunction
      ? never
      : C[K] extends object
        ? HasSubscriptions<C[K]>
        : never;
}[keyof C];

/** The keys of `C` that lead to a subscription: the subscriptions, and the namespaces holding one. */
type SubscriptionKeys<C> = {
  [K in keyof C]: true extends HasSubscriptions<Pick<C, K>> ? K : never;
}[keyof C];

/** The params as the subscriber passes them: one value (by-position params stay one array), optional when undefined fits. */
type SubscriberArgs<P> = undefined extends P ? [params?: P] : [params: P];

/** The params as the handler gets them, as a method's are: by-position spread, by-name as one argument. */
type HandlerArgs<P> = P extends readonly unknown[] ? P : undefined extends P ? [params?: P] : [params: P];

/**
 * The subscriber's view of a contract's subscriptions (`peer.subscriptions<Api>()`):
 * `prices({ symbol })` is a Subscription of the declared event type; methods are left out.
 */
export type Subscriptions<C> = {
  readonly [K in SubscriptionKeys<C>]: C[K] extends Subscribe<infer P, infer E>
    ? (...args: [...params: SubscriberArgs<P>, options?: SubscribeOptions<E>]) => Subscription<E>
    : Subscriptions<C[K]>;
};

/** What a subscription handler may return for events of type `E`: a stream (a server topic) or an AsyncIterable. */
export type EventSource<E> = EventStream<E> | AsyncIterable<E>;

/**
 * The server's side of a contract's subscriptions (`server.subscriptions<Api>(impl)`): each a
 * handler with the call's context as `this`, given the params as a method is (by-name as one
 * argument, by-position spread), returning the events (or a promise of them); methods are left out.
 */
export type SubscriptionsImplementation<C, Ctx = unknown> = {
  [K in SubscriptionKeys<C>]: C[K] extends Subscribe<infer P, infer E>
    ? (this: CallContext<Ctx>, ...args: HandlerArgs<P>) => EventSource<E> | Promise<EventSource<E>>
    : SubscriptionsImplementation<C[K], Ctx>;
};

/** The keys of `C` that lead to a method: how `Remote` and `Implementation` leave subscriptions out. */
export type MethodKeys<C> = {
  [K in keyof C]: C[K] extends Subscribe<any, any>
    ? never
    : C[K] extends AnyFunction
      ? K
      : C[K] extends object
        ? [MethodKeys<C[K]>] extends [never]
          ? never
          : K
        : never;
}[keyof C];
