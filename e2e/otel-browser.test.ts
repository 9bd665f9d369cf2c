import { build } from 'esbuild';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { instrumentServer } from '@tether/otel';
import { createServer, type TetherServer } from '@tether/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';

// The page's side, bundled for the browser from source: the Tether client with @tether/otel's
// interceptor, and the OpenTelemetry SDK's tracer writing to an in-memory exporter there.
const pageEntry = `
import { connect } from '@tether/client';
import { traceCalls } from '@tether/otel';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
const spans = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
window.traced = async (url) => {
  const client = connect(url, {
    intercept: traceCalls({ tracer: provider.getTracer('page'), propagator: new W3CTraceContextPropagator() }),
  });
  const result = await client.call('greet', { name: 'chromium' });
  client.close();
  const [span] = spans.getFinishedSpans();
  return { result, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, kind: span.kind, attributes: span.attributes };
};
`;

declare global {
  interface Window {
    traced(
      url: string,
    ): Promise<{ result: string; traceId: string; spanId: string; kind: number; attributes: Record<string, unknown> }>;
  }
}

let browser: Browser;
let page: Page;
let http: Server;
let server: TetherServer;
const spans = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });

beforeAll(async () => {
  const bundled = await build({
    stdin: { contents: pageEntry, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    conditions: ['source'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0]!.text;
  http = createHttpServer((request, response) => {
    if (request.url === '/page.js') response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else if (request.url === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script src="/page.js"></script>');
    } else response.writeHead(404).end();
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  server = await createServer({ port: 0 });
  instrumentServer(server, { tracer: provider.getTracer('server'), propagator: new W3CTraceContextPropagator() });
  server.register('greet', (p: { name: string }) => `hello ${p.name}`);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close({ deadline: 0 });
  http?.close();
  await provider.shutdown();
});

describe('tracing a call from Chromium', () => {
  it('parents the server span to the span the browser made for the call', async () => {
    const fromPage = await page.evaluate((url) => window.traced(url), server.url);
    expect(fromPage).toMatchObject({
      result: 'hello chromium',
      kind: SpanKind.CLIENT,
      attributes: { 'rpc.system.name': 'jsonrpc', 'rpc.method': 'greet' },
    });
    const [serverSpan] = spans.getFinishedSpans().filter((s) => s.name === 'greet');
    expect(serverSpan?.kind).toBe(SpanKind.SERVER);
    expect(serverSpan!.spanContext().traceId).toBe(fromPage.traceId);
    expect(serverSpan!.parentSpanContext).toMatchObject({ spanId: fromPage.spanId, isRemote: true });
  });
});
