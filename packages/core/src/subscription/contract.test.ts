import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CallContext } from '../context.js';
import type { Remote } from '../contract.js';
import type { Implementation } from '../methods.js';
import { Peer } from '../peer.js';
import { connectedPair } from '../testing/pair.js';
import type { Subscribe, Subscriptions } from './contract.js';
import type { SubscriptionsImplementation } from './implementation.js';
import { serveSubscriptions } from './serving.js';
import type { Subscription } from './subscription.js';

interface Price {
  symbol: string;
  price: number;
}

type Api = {
  market: {
    quote(symbol: string): Price;
    prices: Subscribe<{ symbol: string }, Price>;
  };
  clock: Subscribe<undefined, number>;
  ping(): 'pong';
};

describe('subscriptions in a contract, types', () => {
  const subs = new Peer().subscriptions<Api>();

  it('offers each declared subscription, typed by its params and events, and no methods', () => {
    expectTypeOf(subs.market.prices({ symbol: 'X' })).toEqualTypeOf<Subscription<Price>>();
    expectTypeOf(subs.clock()).toEqualTypeOf<Subscription<number>>();
    expectTypeOf<keyof Subscriptions<Api>>().toEqualTypeOf<'market' | 'clock'>();
    expectTypeOf<keyof Subscriptions<Api>['market']>().toEqualTypeOf<'prices'>();
    const check = () => {
      // @ts-expect-error params must fit the contract
      subs.market.prices({ symbol: 1 });
      // @ts-expect-error the params are required
      subs.market.prices();
      // @ts-expect-error a method is not a subscription
      subs.market.quote('X');
      // @ts-expect-error onEvent sees the declared event type
      subs.market.prices({ symbol: 'X' }, { onEvent: (p: string) => p });
    };
    expectTypeOf(check).toBeFunction();
  });

  it('leaves subscriptions out of the remote proxy and of a method implementation', () => {
    expectTypeOf<keyof Remote<Api>>().toEqualTypeOf<'market' | 'ping' | 'with'>();
    expectTypeOf<keyof Remote<Api>['market']>().toEqualTypeOf<'quote'>();
    expectTypeOf<keyof Implementation<Api>>().toEqualTypeOf<'market' | 'ping'>();
    expectTypeOf<Remote<Api>['with']>().returns.toEqualTypeOf<Remote<Api>>();
  });

  it('checks a server implementation against the contract, events included', () => {
    const service = new Peer<{ user: string }>().service;
    serveSubscriptions<Api, { user: string }>(service, {
      market: {
        async *prices({ symbol }) {
          expectTypeOf(this).toEqualTypeOf<CallContext<{ user: string }>>();
          yield { symbol, price: 1 };
        },
      },
      async *clock() {
        yield 1;
      },
    });
    type Impl = SubscriptionsImplementation<Api>;
    const wrongEvent: Impl = {
      market: {
        // @ts-expect-error the contract says Price events, not strings
        async *prices() {
          yield 'not a price';
        },
      },
      async *clock() {
        yield 2;
      },
    };
    // @ts-expect-error a declared subscription is missing
    const missing: Impl = { market: { async *prices() {} } };
    expectTypeOf(wrongEvent).not.toBeAny();
    expectTypeOf(missing).not.toBeAny();
  });
});

describe('subscriptions in a contract, at run time', () => {
  it('subscribes by the dotted name with the params, and delivers the events', async () => {
    await using pair = connectedPair();
    serveSubscriptions<Api>(pair.service, {
      market: {
        async *prices({ symbol }) {
          yield { symbol, price: 1 };
          yield { symbol, price: 2 };
        },
      },
      async *clock() {
        yield 1;
      },
    });
    const seen: Price[] = [];
    for await (const price of pair.client.subscriptions<Api>().market.prices({ symbol: 'X' })) seen.push(price);
    expect(seen).toEqual([
      { symbol: 'X', price: 1 },
      { symbol: 'X', price: 2 },
    ]);
  });
});
