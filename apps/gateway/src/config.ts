/** One forwarded method, as the gateway serves it. */
export interface MethodRoute {
  /**
   * Grants (roles) a caller must hold, every one of them; others are refused with -32004
   * before anything is forwarded. Default: none needed.
   */
  requires?: readonly string[];
  /**
   * Milliseconds a result is kept and answered from the gateway for the same params, without a
   * call to a back end. Mark only methods whose result depends on nothing but their params. Default: not cached.
   */
  cacheTtlMs?: number;
  /**
   * Whether the method may run twice: a call whose back end dropped mid-call is then retried
   * once on another. Otherwise it fails with the reason, since it may have run. Default false.
   */
  idempotent?: boolean;
}

/** A back-end service the gateway forwards to: every method under `prefix` goes to `service`. */
export interface ServiceRoute {
  /** The service's name in the Redis registry. */
  service: string;
  /** The method prefix routed to it, e.g. `math.`; the method keeps its full name on the way. */
  prefix: string;
  /** The methods served, by their name after the prefix. Only these are forwarded. */
  methods: Readonly<Record<string, MethodRoute>>;
  /** Subscriptions relayed from the service, by their name after the prefix. */
  subscriptions?: Readonly<Record<string, { requires?: readonly string[] }>>;
}

/** Who may connect: a token (sent as `?token=`, as browsers cannot set WebSocket headers) names a user and their roles. */
export interface GatewayUser {
  readonly user: string;
  readonly roles: readonly string[];
}

/** Limits per user, across all of that user's connections to this gateway (the server's `quotas`). */
export interface UserLimits {
  /** Connections one user may hold open at once; more are refused with HTTP 429. Default 5. */
  connections?: number;
  /** Calls per second per user; more are refused with -32003 and `retryAfterMs`. Default 50. */
  callsPerSecond?: number;
  /** Calls a user may make at once before the rate applies. Default 100. */
  burst?: number;
}

/** What the gateway does, all of it data. */
export interface GatewayConfig {
  routes: readonly ServiceRoute[];
  /** Tokens and the users they stand for. */
  users: Readonly<Record<string, GatewayUser>>;
  limits?: UserLimits;
}

/** The example's own configuration: a `math` service and a `news` feed behind it (see backend.ts). */
export const exampleConfig: GatewayConfig = {
  routes: [
    {
      service: 'math',
      prefix: 'math.',
      methods: {
        add: { idempotent: true },
        // The same params always give the same answer: worth caching.
        fib: { cacheTtlMs: 10_000, idempotent: true },
        whoami: {},
        admin: { requires: ['admin'] },
      },
      subscriptions: { ticks: {} },
    },
  ],
  users: {
    'ada-token': { user: 'ada', roles: ['admin'] },
    'bob-token': { user: 'bob', roles: [] },
  },
  limits: { connections: 5, callsPerSecond: 50, burst: 100 },
};
