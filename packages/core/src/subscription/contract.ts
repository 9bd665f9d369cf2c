import type { MethodSpec } from '../schema-contract.js';
import type { SubscribeOptions } from './options.js';
import type { Subscription } from './subscription.js';

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
    : C[K] extends AnyFunction | MethodSpec
      ? never
      : C[K] extends object
        ? HasSubscriptions<C[K]>
        : never;
}[keyof C];

/** The keys of `C` that lead to a subscription: the subscriptions, and the namespaces holding one. */
export type SubscriptionKeys<C> = {
  [K in keyof C]: true extends HasSubscriptions<Pick<C, K>> ? K : never;
}[keyof C];

/** The params as the subscriber passes them: one value (by-position params stay one array), optional when undefined fits. */
type SubscriberArgs<P> = undefined extends P ? [params?: P] : [params: P];

/**
 * The subscriber's view of a contract's subscriptions (`peer.subscriptions<Api>()`):
 * `prices({ symbol })` is a Subscription of the declared event type; methods are left out.
 */
export type Subscriptions<C> = {
  readonly [K in SubscriptionKeys<C>]: C[K] extends Subscribe<infer P, infer E>
    ? (...args: [...params: SubscriberArgs<P>, options?: SubscribeOptions<E>]) => Subscription<E>
    : Subscriptions<C[K]>;
};

/** The keys of `C` that lead to a method: how `Remote` and `Implementation` leave subscriptions out. */
export type MethodKeys<C> = {
  [K in keyof C]: C[K] extends Subscribe<any, any>
    ? never
    : C[K] extends AnyFunction | MethodSpec
      ? K
      : C[K] extends object
        ? [MethodKeys<C[K]>] extends [never]
          ? never
          : K
        : never;
}[keyof C];
