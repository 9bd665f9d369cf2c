import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import type { CallContext, Middleware } from '@tether/core';
import { extractFrom } from './carrier.js';
import { endSpan, failureAttributes } from './outcome.js';
import type { Resolved } from './options.js';
import { JSONRPC, JSONRPC_PROTOCOL_VERSION, JSONRPC_REQUEST_ID, RPC_METHOD, RPC_SYSTEM_NAME } from './semconv.js';
import type { Attributes } from '@opentelemetry/api';

/** Where a served call's measurements go (the OpenTelemetry meter, a Prometheus registry). */
export interface CallSink {
  started(method: string): void;
  /** `failure` holds the error attributes of a failed call, undefined for one that succeeded. */
  finished(method: string, seconds: number, failure: Attributes | undefined): void;
}

/**
 * The middleware of an instrumented server: a SERVER span per incoming call, child of the
 * context in `params._meta` when the caller sent one, active while the handler runs (so its own
 * calls are children of it); and the call's duration and in-flight count for `sinks`.
 */
export function callMiddleware<Ctx>(resolved: Resolved, sinks: readonly CallSink[], tracing: boolean): Middleware<Ctx> {
  const { tracer, propagator } = resolved;
  return (call: CallContext<Ctx>, next) => {
    const started = performance.now();
    for (const sink of sinks) sink.started(call.method);
    let span: Span | undefined;
    let run = next;
    if (tracing) {
      const parent = extractFrom(propagator, context.active(), call.meta);
      const attributes: Attributes = {
        [RPC_SYSTEM_NAME]: JSONRPC,
        [RPC_METHOD]: call.method,
        [JSONRPC_PROTOCOL_VERSION]: '2.0',
      };
      if (call.id !== undefined && call.id !== null) attributes[JSONRPC_REQUEST_ID] = String(call.id);
      const s = tracer.startSpan(call.method, { kind: SpanKind.SERVER, attributes }, parent);
      span = s;
      run = () => context.with(trace.setSpan(parent, s), next);
    }
    const done = (error: unknown, failed: boolean) => {
      const seconds = (performance.now() - started) / 1000;
      const failure = failed ? failureAttributes(error) : undefined;
      for (const sink of sinks) sink.finished(call.method, seconds, failure);
      if (span) endSpan(span, error, failed);
    };
    return run().then(
      (value) => {
        done(undefined, false);
        return value;
      },
      (error: unknown) => {
        done(error, true);
        throw error;
      },
    );
  };
}
