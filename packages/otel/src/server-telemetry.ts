import type { Attributes, Meter } from '@opentelemetry/api';
import type { Middleware } from '@tether/core';
import type { Broker, ResumeOutcome, ServerStats } from '@tether/server';
import { resolve, type TelemetryOptions } from './options.js';
import { callMiddleware, type CallSink } from './server-calls.js';
import { DURATION_BUCKETS, JSONRPC, RPC_METHOD, RPC_SERVER_CALL_DURATION, RPC_SYSTEM_NAME } from './semconv.js';
import { TracedBroker } from './traced-broker.js';

/** What instrumenting needs of a server: `TetherServer` fits. */
export interface InstrumentableServer<Ctx> {
  readonly stats: ServerStats;
  readonly broker: Broker;
  use(middleware: Middleware<Ctx>): unknown;
  on(event: 'resume', listener: (topic: string, outcome: ResumeOutcome) => void): unknown;
}

/** Options of `instrumentServer`. */
export interface InstrumentOptions extends TelemetryOptions {
  /** Whether incoming calls get spans; metrics are recorded either way. Default true. */
  tracing?: boolean;
}

/** Where a server's measurements besides calls go. */
export interface ServerSink extends CallSink {
  resumed(topic: string, outcome: ResumeOutcome): void;
}

/**
 * A server's telemetry, made by `instrumentServer`: it owns the middleware that times and traces
 * every call, and reads the rest (connections, dropped pushes, subscription lag) from the
 * server when a metrics reader collects. `prometheusHandler` (`@tether/otel/prometheus`)
 * exposes the same measurements as Prometheus text.
 */
export class ServerTelemetry {
  readonly #server: Pick<InstrumentableServer<unknown>, 'stats' | 'broker'>;
  readonly #sinks: ServerSink[];

  /** @internal Use `instrumentServer`. */
  constructor(server: Pick<InstrumentableServer<unknown>, 'stats' | 'broker'>, sinks: ServerSink[]) {
    this.#server = server;
    this.#sinks = sinks;
  }

  /** The server's counters now (connections open, pushes dropped, …). */
  get stats(): ServerStats {
    return this.#server.stats;
  }

  /** Subscription lag per topic (see TracedBroker.lag); empty unless the server's broker is a TracedBroker. */
  lag(): Promise<Map<string, number>> {
    const broker = this.#server.broker;
    return broker instanceof TracedBroker ? broker.lag() : Promise.resolve(new Map());
  }

  /** @internal Adds a sink of measurements: how the Prometheus registry hears of calls and resumes. */
  addSink(sink: ServerSink): void {
    this.#sinks.push(sink);
  }
}

/**
 * Instruments `server`: a span per incoming call (parented to the caller's `params._meta`
 * context), and these metrics on the meter: `rpc.server.call.duration` (s), `tether.server.calls.active`,
 * `tether.server.connections`, `tether.server.pushes.dropped`, `tether.subscription.lag` (per topic,
 * with a TracedBroker) and `tether.subscription.resumes` (per outcome). Call it once, before clients connect.
 */
export function instrumentServer<Ctx>(
  server: InstrumentableServer<Ctx>,
  options: InstrumentOptions = {},
): ServerTelemetry {
  const resolved = resolve(options);
  // Shared with the telemetry, which adds the Prometheus sink to it later: the middleware reads it per call.
  const sinks: ServerSink[] = [];
  const telemetry = new ServerTelemetry(server, sinks);
  sinks.push(meterSink(resolved.meter, telemetry));
  server.use(callMiddleware<Ctx>(resolved, sinks, options.tracing ?? true));
  server.on('resume', (topic, outcome) => {
    for (const sink of sinks) sink.resumed(topic, outcome);
  });
  return telemetry;
}

function meterSink(meter: Meter, telemetry: ServerTelemetry): ServerSink {
  const duration = meter.createHistogram(RPC_SERVER_CALL_DURATION, {
    unit: 's',
    description: 'Duration of incoming JSON-RPC calls',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const active = meter.createUpDownCounter('tether.server.calls.active', {
    unit: '{call}',
    description: 'Incoming calls running now',
  });
  const resumes = meter.createCounter('tether.subscription.resumes', {
    unit: '{resume}',
    description: 'Subscriptions resumed from a position, by outcome: replayed, gap or restarted',
  });
  meter
    .createObservableGauge('tether.server.connections', { unit: '{connection}', description: 'Connections open now' })
    .addCallback((result) => result.observe(telemetry.stats.connections));
  meter
    .createObservableCounter('tether.server.pushes.dropped', {
      unit: '{push}',
      description: 'Pushes dropped because their reader was too slow',
    })
    .addCallback((result) => result.observe(telemetry.stats.dropped));
  meter
    .createObservableGauge('tether.subscription.lag', {
      unit: '{event}',
      description: "Events a topic's newest is ahead of the last delivered on this node",
    })
    .addCallback(async (result) => {
      for (const [topic, lag] of await telemetry.lag()) result.observe(lag, { 'messaging.destination.name': topic });
    });
  const base = (method: string): Attributes => ({ [RPC_SYSTEM_NAME]: JSONRPC, [RPC_METHOD]: method });
  return {
    started: (method) => active.add(1, base(method)),
    finished: (method, seconds, failure) => {
      active.add(-1, base(method));
      duration.record(seconds, failure ? { ...base(method), ...failure } : base(method));
    },
    resumed: (_topic, outcome) => resumes.add(1, { 'tether.resume.outcome': outcome }),
  };
}
