import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { context } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

// Async context across awaits, as a Node app with the SDK has it: set once for the test process.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** A tracer and meter writing to memory, with W3C propagation: passed explicitly, no globals but the context manager. */
export function telemetryKit() {
  const spans = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    spans,
    options: {
      tracer: provider.getTracer('test'),
      meter: meterProvider.getMeter('test'),
      propagator: new W3CTraceContextPropagator(),
    },
    /** Finished spans named `name`. */
    named: (name: string): ReadableSpan[] => spans.getFinishedSpans().filter((s) => s.name === name),
    /** Collects the metrics now, as a reader would on its interval: name → data points. */
    async metrics(): Promise<Map<string, Array<{ attributes: Record<string, unknown>; value: unknown }>>> {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, Array<{ attributes: Record<string, unknown>; value: unknown }>>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          out.set(
            metric.descriptor.name,
            metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
          );
        }
      }
      return out;
    },
    async close() {
      await provider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
