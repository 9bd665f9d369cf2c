import { metrics, propagation, trace, type Meter, type TextMapPropagator, type Tracer } from '@opentelemetry/api';

/** Where spans, metrics and trace context go; each defaults to the global OpenTelemetry API's. */
export interface TelemetryOptions {
  /** Tracer of the spans. Default: `trace.getTracer('@tether/otel')` of the global provider (no-op until one is registered). */
  tracer?: Tracer;
  /** Meter of the metrics. Default: `metrics.getMeter('@tether/otel')` of the global provider (no-op until one is registered). */
  meter?: Meter;
  /**
   * How a trace context is written to and read from `params._meta` and event meta. Default: the
   * global propagator (`propagation`), which the SDK sets to W3C Trace Context; with none
   * registered, no context travels.
   */
  propagator?: TextMapPropagator;
}

export const SCOPE = '@tether/otel';

export interface Resolved {
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly propagator: TextMapPropagator;
}

export function resolve(options: TelemetryOptions): Resolved {
  return {
    tracer: options.tracer ?? trace.getTracer(SCOPE),
    meter: options.meter ?? metrics.getMeter(SCOPE),
    propagator: options.propagator ?? propagation,
  };
}
