import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallContext, Params } from '@tether/core';
import { instrumentServer, traceCalls, type TelemetryOptions } from '@tether/otel';
import { prometheusHandler, type PrometheusHandler } from '@tether/otel/prometheus';
import type { RedisRegistry } from '@tether/redis';
import { createServer, HttpError, type TetherServer } from '@tether/server';
import { Counter } from 'prom-client';
import { BackendPool } from './backend-pool.js';
import type { GatewayConfig, MethodRoute, ServiceRoute } from './config.js';
import { forward } from './forward.js';
import { relaySubscription } from './relay.js';
import { ResponseCache } from './response-cache.js';

/**
 * A browser's connection to the gateway, as `authenticate` made it: the shape the server reads
 * by default, `user` for the per-user quotas and `roles` for the grants methods `require`.
 */
export interface Session {
  readonly user: string;
  readonly roles: readonly string[];
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
  close(): Promise<void>;
}

/**
 * Starts the gateway: browsers connect with `?token=`; each configured method is forwarded by
 * its prefix to a back end of its service found in the Redis registry (least-loaded, skipping
 * dropped ones), after the server has checked access (`requires`) and the per-user quotas; cacheable results are answered
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
    else
      response
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('gateway: only /metrics and WebSocket upgrades are served here');
  });
  http.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(http, 'listening');

  const cache = new ResponseCache();
  const limits = config.limits ?? {};
  const server = await createServer<Session>({
    server: http,
    timeout,
    authenticate: (request) => {
      const token = request.query.get('token');
      const known = token && Object.hasOwn(config.users, token) ? config.users[token] : undefined;
      if (!known) throw new HttpError(401, 'gateway: unknown or missing token; connect with ?token=<your token>');
      return { user: known.user, roles: known.roles };
    },
    // Access control (`requires` below, -32004) and these per-user limits are the server's own.
    quotas: {
      connectionsPerUser: limits.connections ?? 5,
      callsPerUser: { callsPerSecond: limits.callsPerSecond ?? 50, burst: limits.burst ?? 100 },
    },
    // The gateway's own methods are its routes; their document is the back ends' to give.
    discovery: false,
  });

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
      server.register(
        name,
        function (this: CallContext<Session>) {
          return forwardCall(this, name, method, route.service);
        },
        method.requires ? { requires: method.requires } : {},
      );
    }
    for (const [short, subscription] of Object.entries(route.subscriptions ?? {})) {
      const name = `${route.prefix}${short}`;
      server.subscription(
        name,
        function (this: CallContext<Session>) {
          return relaySubscription(pool, route.service, name, this.params, (from) =>
            moves.inc({ kind: 'subscription', from }),
          );
        },
        subscription.requires ? { requires: subscription.requires } : {},
      );
    }
  }

  function forwardCall(
    call: CallContext<Session>,
    name: string,
    method: MethodRoute,
    service: string,
  ): Promise<unknown> {
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
