import { context, SpanKind, trace } from '@opentelemetry/api';
import { withMeta, type CallInterceptor } from '@tether/core';
import { injectInto } from './carrier.js';
import { endSpan, failureAttributes } from './outcome.js';
import { resolve, type TelemetryOptions } from './options.js';
import {
  DURATION_BUCKETS,
  JSONRPC,
  JSONRPC_PROTOCOL_VERSION,
  JSONRPC_REQUEST_ID,
  RPC_CLIENT_CALL_DURATION,
  RPC_METHOD,
  RPC_SYSTEM_NAME,
} from './semconv.js';

/**
 * The `intercept` option of a client or peer that traces its calls: a CLIENT span per call,
 * child of the caller's active span, whose context goes to the server in `params._meta`
 * (by-name params only: positional ones have no room, see CallMeta), and the call's duration on
 * the `rpc.client.call.duration` histogram. `connect(url, { intercept: traceCalls() })`.
 */
export function traceCalls(options: TelemetryOptions = {}): CallInterceptor {
  const { tracer, meter, propagator } = resolve(options);
  const duration = meter.createHistogram(RPC_CLIENT_CALL_DURATION, {
    unit: 's',
    description: 'Duration of outgoing JSON-RPC calls',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  return (method, params, id, outcome) => {
    const parent = context.active();
    const attributes = {
      [RPC_SYSTEM_NAME]: JSONRPC,
      [RPC_METHOD]: method,
      [JSONRPC_PROTOCOL_VERSION]: '2.0',
      [JSONRPC_REQUEST_ID]: String(id),
    };
    const span = tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes }, parent);
    const started = performance.now();
    const settled = (error: unknown, failed: boolean) => {
      const base = { [RPC_SYSTEM_NAME]: JSONRPC, [RPC_METHOD]: method };
      duration.record((performance.now() - started) / 1000, failed ? { ...base, ...failureAttributes(error) } : base);
      endSpan(span, error, failed);
    };
    outcome.then(
      () => settled(undefined, false),
      (error: unknown) => settled(error, true),
    );
    const fields = injectInto(propagator, trace.setSpan(parent, span));
    return fields ? withMeta(params, fields) : params;
  };
}
