import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DURATION_BUCKETS } from './semconv.js';
import type { ServerTelemetry } from './server-telemetry.js';

/** Options of `prometheusHandler`. */
export interface PrometheusOptions {
  /** The registry the metrics are registered on. Default: a new one of this handler's own. */
  registry?: Registry;
  /** Prefix of every metric name. Default `tether_`. */
  prefix?: string;
}

/** A Node request handler answering with the metrics in Prometheus text format; `registry` is where they live. */
export interface PrometheusHandler {
  (request: IncomingMessage, response: ServerResponse): void;
  /** The registry the handler serves, to add metrics of your own or to read them in a test. */
  readonly registry: Registry;
}

/**
 * Serves `telemetry`'s measurements as Prometheus text: mount it on any path of the HTTP
 * server, e.g. `http.on('request', (q, s) => q.url === '/metrics' && handler(q, s))`. Metrics:
 * `tether_rpc_server_call_duration_seconds` (histogram by method and code),
 * `tether_rpc_server_calls_active`, `tether_connections`, `tether_pushes_dropped_total`,
 * `tether_subscription_lag` (by topic) and `tether_subscription_resumes_total` (by outcome).
 */
export function prometheusHandler(telemetry: ServerTelemetry, options: PrometheusOptions = {}): PrometheusHandler {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'tether_';
  const registers = [registry];
  const duration = new Histogram({
    name: `${prefix}rpc_server_call_duration_seconds`,
    help: 'Duration of incoming JSON-RPC calls, in seconds',
    labelNames: ['method', 'code'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const active = new Gauge({
    name: `${prefix}rpc_server_calls_active`,
    help: 'Incoming calls running now',
    labelNames: ['method'],
    registers,
  });
  const resumes = new Counter({
    name: `${prefix}subscription_resumes_total`,
    help: 'Subscriptions resumed from a position, by outcome: replayed, gap or restarted',
    labelNames: ['outcome'],
    registers,
  });
  new Gauge({
    name: `${prefix}connections`,
    help: 'Connections open now',
    registers,
    collect() {
      this.set(telemetry.stats.connections);
    },
  });
  // A gauge set to the server's running total: prom-client's Counter cannot be set, only increased.
  new Gauge({
    name: `${prefix}pushes_dropped_total`,
    help: 'Pushes dropped because their reader was too slow (a counter)',
    registers,
    collect() {
      this.set(telemetry.stats.dropped);
    },
  });
  new Gauge({
    name: `${prefix}subscription_lag`,
    help: "Events a topic's newest is ahead of the last delivered on this node",
    labelNames: ['topic'],
    registers,
    async collect() {
      this.reset();
      for (const [topic, lag] of await telemetry.lag()) this.set({ topic }, lag);
    },
  });
  telemetry.addSink({
    started: (method) => active.inc({ method }),
    finished: (method, seconds, failure) => {
      active.dec({ method });
      duration.observe({ method, code: String(failure?.['rpc.response.status_code'] ?? 'OK') }, seconds);
    },
    resumed: (_topic, outcome) => resumes.inc({ outcome }),
  });
  const handler = (_request: IncomingMessage, response: ServerResponse) => {
    registry.metrics().then(
      (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (error: unknown) => {
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        response.end(
          `tether/otel: collecting metrics failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
  };
  return Object.assign(handler, { registry });
}
