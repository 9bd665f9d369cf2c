import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode, type CallContext, type Params } from '@tether/core';
import { instrumentServer, traceCalls, type TelemetryOptions } from '@tether/otel';
import { prometheusHandler, type PrometheusHandler } from '@tether/otel/prometheus';
import type { RedisRegistry } from '@tether/redis';
import { createServer, HttpError, type TetherServer } from '@tether/server';
import { Counter } from 'prom-client';
import { checkAccess } from './access.js';
import { BackendPool } from './backend-pool.js';
import type { GatewayConfig, MethodRoute, ServiceRoute } from './config.js';
import { forward } from './forward.js';
import { relaySubscription } from './relay.js';
import { ResponseCache } from './response-cache.js';
import { UserLimiter } from './user-limits.js';

/** A browser's connection to the gateway, as `authenticate` made it. */
export interface Session {
  readonly user: string;
  readonly roles: readonly string[];
  /** Gives the user's connection slot back; set once the connection is open. */
  release: (() => void) | undefined;
}

/** Options of `startGateway`. */
export interface GatewayOptions {
  config: GatewayConfig;
  /** Where back ends are found. The caller's to close. */
  registry: RedisRegistry;
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Per forwarded call, in ms. Default 10000. */
  timeout?: number;
  /** How long a dropped back end is passed over, in ms (see BackendPoolOptions.downFor). Default 10000. */
  downFor?: number;
  /** Tracer, meter and propagator. Default: the global OpenTelemetry API's. */
  telemetry?: TelemetryOptions;
}

/** A running gateway. */
export interface Gateway extends AsyncDisposable {
  /** WebSocket URL browsers connect to, with `?token=` appended. */
  readonly url: string;
  /** The Prometheus endpoint, `http://…/metrics`. */
  readonly metricsUrl: string;
  readonly server: TetherServer<Session>;
  readonly cache: ResponseCache;
  readonly pool: BackendPool;
  readonly limiter: UserLimiter;
  close(): Promise<void>;
}

/**
 * Starts the gateway: browsers connect with `?token=`; each configured method is forwarded by
 * its prefix to a back end of its service found in the Redis registry (least-loaded, skipping
 * dropped ones), after access and per-user limits are checked; cacheable results are answered
 * from the cache; subscriptions are relayed with their positions, moving to another back end if
 * theirs goes away. Metrics at `/metrics` on the same HTTP server.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const timeout = options.timeout ?? 10_000;
  const http = createHttpServer();
  let metrics: PrometheusHandler | undefined;
  http.on('request', (request, response) => {
    if (request.url === '/metrics' && metrics) metrics(request, response);
    else response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('gateway: only /metrics and WebSocket upgrades are served here');
  });
  http.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(http, 'listening');

  const limiter = new UserLimiter(config.limits);
  const cache = new ResponseCache();
  const server = await createServer<Session>({
    server: http,
    timeout,
    authenticate: (request) => {
      const token = request.query.get('token');
      const known = token ? config.users[token] : undefined;
      if (!known || !Object.hasOwn(config.users, token!)) {
        throw new HttpError(401, 'gateway: unknown or missing token; connect with ?token=<your token>');
      }
      limiter.checkConnection(known.user);
      return { user: known.user, roles: known.roles, release: undefined };
    },
  });
  server.on('connect', (peer) => {
    const release = limiter.connected(peer.data.user);
    if (release) peer.data.release = release;
    else peer.close(CloseCode.PolicyViolation, `too many connections for ${peer.data.user}`);
  });
  server.on('disconnect', (peer) => peer.data.release?.());

  const telemetry = instrumentServer(server, options.telemetry);
  metrics = prometheusHandler(telemetry);
  const registers = [metrics.registry];
  const cacheLookups = new Counter({
    name: 'tether_gateway_cache_lookups_total',
    help: 'Cacheable calls, answered from the cache (hit) or forwarded (miss)',
    labelNames: ['result'],
    registers,
  });
  const backendsDown = new Counter({
    name: 'tether_gateway_backends_down_total',
    help: 'Back-end connections that dropped',
    labelNames: ['backend'],
    registers,
  });
  const moves = new Counter({
    name: 'tether_gateway_moves_total',
    help: 'Calls retried and subscriptions moved to another back end after theirs went away',
    labelNames: ['kind', 'from'],
    registers,
  });

  const pool = new BackendPool({
    registry: options.registry,
    client: { intercept: traceCalls(options.telemetry), timeout },
    ...(options.downFor === undefined ? {} : { downFor: options.downFor }),
    onDown: (backend) => backendsDown.inc({ backend }),
  });

  for (const route of config.routes) serveRoute(route);

  function serveRoute(route: ServiceRoute): void {
    for (const [short, method] of Object.entries(route.methods)) {
      const name = `${route.prefix}${short}`;
      server.register(name, function (this: CallContext<Session>) {
        return forwardCall(this, name, method, route.service);
      });
    }
    for (const [short, subscription] of Object.entries(route.subscriptions ?? {})) {
      const name = `${route.prefix}${short}`;
      server.subscription(name, function (this: CallContext<Session>) {
        checkAccess(name, subscription.requires, this.data.roles);
        limiter.admitCall(this.data.user, name);
        return relaySubscription(pool, route.service, name, this.params, (from) => moves.inc({ kind: 'subscription', from }));
      });
    }
  }

  function forwardCall(call: CallContext<Session>, name: string, method: MethodRoute, service: string): Promise<unknown> {
    checkAccess(name, method.requires, call.data.roles);
    limiter.admitCall(call.data.user, name);
    const params: Params | undefined = call.params;
    // A cached load is shared by every caller of the same key: no one caller's cancel may end it.
    const go = (signal: AbortSignal | undefined) =>
      forward(
        name,
        params,
        {
          service,
          idempotent: method.idempotent ?? false,
          timeout,
          signal,
          onRetry: (from) => moves.inc({ kind: 'call', from }),
        },
        pool,
      );
    if (method.cacheTtlMs === undefined) return go(call.signal);
    const before = cache.hits;
    const result = cache.get(name, withoutMeta(params), method.cacheTtlMs, () => go(undefined));
    cacheLookups.inc({ result: cache.hits > before ? 'hit' : 'miss' });
    return result;
  }

  const { port } = http.address() as AddressInfo;
  const close = async () => {
    await server.close({ deadline: 1000 });
    await pool.close();
    if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return {
    url: `ws://127.0.0.1:${port}/`,
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    server,
    cache,
    pool,
    limiter,
    close,
    [Symbol.asyncDispose]: close,
  };
}


/** Params as the cache keys them: `_meta` (a trace context, a progress token) differs per call and says nothing of the result. */
function withoutMeta(params: Params | undefined): Params | undefined {
  if (params === undefined || Array.isArray(params) || !('_meta' in params)) return params;
  const { _meta, ...rest } = params as Record<string, unknown>;
  return rest;
}
