import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { connect } from '@tether/client';
import { ErrorCode, RpcError, type CallContext } from '@tether/core';
import { createServer } from '@tether/server';
import { afterEach, describe, expect, it } from 'vitest';
import { traceCalls } from './client.js';
import { instrumentServer } from './server-telemetry.js';
import { telemetryKit } from './test-kit.js';

const closing: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

async function setup() {
  const kit = telemetryKit();
  const server = await createServer({ port: 0 });
  instrumentServer(server, kit.options);
  const client = connect(server.url, { intercept: traceCalls(kit.options), reconnect: { maxRetries: 0 } });
  closing.push(
    () => kit.close(),
    () => server.close({ deadline: 0 }),
    () => client.close(),
  );
  return { kit, server, client };
}

describe('a span per call on both sides', () => {
  it('parents the server span to the client span through params._meta, with the JSON-RPC conventions', async () => {
    const { kit, server, client } = await setup();
    let seenMeta: unknown;
    let seenParams: unknown;
    server.register('greet', function (this: CallContext<undefined>, p: { name: string }) {
      seenMeta = this.meta;
      seenParams = this.params;
      return `hi ${p.name}`;
    });
    await expect(client.call('greet', { name: 'ada' })).resolves.toBe('hi ada');
    const [clientSpan] = kit.named('greet').filter((s) => s.kind === SpanKind.CLIENT);
    const [serverSpan] = kit.named('greet').filter((s) => s.kind === SpanKind.SERVER);
    expect(clientSpan).toBeDefined();
    expect(serverSpan).toBeDefined();
    expect(serverSpan!.spanContext().traceId).toBe(clientSpan!.spanContext().traceId);
    expect(serverSpan!.parentSpanContext?.spanId).toBe(clientSpan!.spanContext().spanId);
    expect(seenMeta).toEqual({ traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) });
    expect(seenParams).toEqual({ name: 'ada' });
    for (const span of [clientSpan!, serverSpan!]) {
      expect(span.attributes).toMatchObject({
        'rpc.system.name': 'jsonrpc',
        'rpc.method': 'greet',
        'jsonrpc.protocol.version': '2.0',
        'jsonrpc.request.id': expect.any(String),
      });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    expect(clientSpan!.attributes['jsonrpc.request.id']).toBe(serverSpan!.attributes['jsonrpc.request.id']);
  });

  it('marks a failed call on both sides with its JSON-RPC code', async () => {
    const { kit, server, client } = await setup();
    server.register('deny', () => {
      throw new RpcError(ErrorCode.InvalidParams, 'no');
    });
    server.register('crash', () => {
      throw new Error('bug');
    });
    server.on('error', () => undefined);
    await expect(client.call('deny', {})).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(client.call('crash', {})).rejects.toMatchObject({ code: ErrorCode.InternalError });
    for (const span of kit.named('deny')) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toMatchObject({ 'rpc.response.status_code': '-32602', 'error.type': '-32602' });
    }
    const crashed = kit.named('crash');
    expect(crashed.map((s) => s.attributes['rpc.response.status_code'])).toEqual(['-32603', '-32603']);
    expect(crashed.find((s) => s.kind === SpanKind.SERVER)!.attributes['error.type']).toBe('_OTHER');
  });

  it('makes a handler’s own calls children of its server span, and a caller’s active span the client span’s parent', async () => {
    const { kit, server, client } = await setup();
    const tracer = kit.options.tracer;
    server.register('inner', () => 1);
    server.register('outer', async () => {
      // A call to itself over a second traced client: the nested CLIENT span must sit under `outer`.
      return (await nested.call<number>('inner', {})) + 1;
    });
    const nested = connect(server.url, { intercept: traceCalls(kit.options), reconnect: { maxRetries: 0 } });
    closing.push(() => nested.close());
    await tracer.startActiveSpan('user action', async (root) => {
      await expect(client.call('outer', {})).resolves.toBe(2);
      root.end();
    });
    const root = kit.named('user action')[0]!;
    const outerClient = kit.named('outer').find((s) => s.kind === SpanKind.CLIENT)!;
    const outerServer = kit.named('outer').find((s) => s.kind === SpanKind.SERVER)!;
    const innerClient = kit.named('inner').find((s) => s.kind === SpanKind.CLIENT)!;
    const innerServer = kit.named('inner').find((s) => s.kind === SpanKind.SERVER)!;
    expect(outerClient.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(outerServer.parentSpanContext?.spanId).toBe(outerClient.spanContext().spanId);
    expect(innerClient.parentSpanContext?.spanId).toBe(outerServer.spanContext().spanId);
    expect(innerServer.parentSpanContext?.spanId).toBe(innerClient.spanContext().spanId);
    expect(new Set([root, outerClient, innerServer].map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(trace.getSpan(context.active())).toBeUndefined();
  });

  it('leaves positional params as they are, and still traces the call', async () => {
    const { kit, server, client } = await setup();
    server.register('add', (a: number, b: number) => a + b);
    await expect(client.call('add', [1, 2])).resolves.toBe(3);
    const spans = kit.named('add');
    expect(spans.map((s) => s.kind).sort()).toEqual([SpanKind.CLIENT, SpanKind.SERVER].sort());
    // Nowhere to carry the context: the server span starts a trace of its own.
    expect(spans.find((s) => s.kind === SpanKind.SERVER)!.parentSpanContext).toBeUndefined();
  });
});
