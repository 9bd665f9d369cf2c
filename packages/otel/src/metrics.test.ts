import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '@tether/client';
import { ErrorCode, RpcError } from '@tether/core';
import { createServer, MemoryBroker } from '@tether/server';
import { afterEach, describe, expect, it } from 'vitest';
import { prometheusHandler } from './prometheus.js';
import { instrumentServer } from './server-telemetry.js';
import { traceBroker } from './traced-broker.js';
import { telemetryKit } from './test-kit.js';

const closing: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

/** Prometheus text exposition parsed into samples: `name{a="b"}` → value. Comments are checked to name known types. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      expect(line).toMatch(/^# (HELP \S+ .+|TYPE \S+ (counter|gauge|histogram|summary|untyped))$/);
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    expect(match, `a sample line: ${line}`).not.toBeNull();
    samples.set(`${match![1]}${match![2] ?? ''}`, Number(match![3]));
  }
  return samples;
}

async function setup() {
  const kit = telemetryKit();
  const http = createHttpServer();
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const server = await createServer({
    server: http,
    broker: traceBroker(new MemoryBroker({ historySize: 2 }), kit.options),
  });
  const telemetry = instrumentServer(server, kit.options);
  const metrics = prometheusHandler(telemetry);
  http.on('request', (request, response) => {
    if (request.url === '/metrics') metrics(request, response);
    else response.writeHead(404).end();
  });
  server.register('ok', () => 'fine');
  server.register('bad', () => {
    throw new RpcError(ErrorCode.InvalidParams, 'bad');
  });
  let release!: () => void;
  const blocked = new Promise<void>((resolve) => (release = resolve));
  server.register('slow', () => blocked);
  server.subscription('feed', () => server.topic('feed'));
  const client = connect(server.url, { reconnect: { maxRetries: 0 } });
  closing.push(
    () => kit.close(),
    () => new Promise((resolve) => http.close(resolve)),
    () => server.close({ deadline: 0 }),
    () => client.close(),
  );
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${(http.address() as AddressInfo).port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await response.text());
  };
  return { kit, server, client, release, scrape };
}

describe('server metrics', () => {
  it('counts calls, in-flight calls, connections, resumes and lag, as Prometheus text and on the meter', async () => {
    const { kit, server, client, release, scrape } = await setup();
    await client.call('ok', {});
    await client.call('ok', {});
    await expect(client.call('bad', {})).rejects.toBeInstanceOf(RpcError);
    const slow = client.call('slow', {});
    await expect.poll(() => server.stats.calls).toBe(4);

    for (let i = 0; i < 5; i++) await server.publish('feed', i);
    // History keeps events 4 and 5: after 1 is a gap, after 4 a full replay.
    await client.subscribe('feed', undefined, { after: 1, onGap: () => undefined, onEvent: () => undefined }).ready;
    const second = connect(server.url, { reconnect: { maxRetries: 0 } });
    closing.push(() => second.close());
    await second.subscribe('feed', undefined, { after: 4, onEvent: () => undefined }).ready;

    let samples = await scrape();
    expect(samples.get('tether_rpc_server_call_duration_seconds_count{method="ok",code="OK"}')).toBe(2);
    expect(samples.get('tether_rpc_server_call_duration_seconds_count{method="bad",code="-32602"}')).toBe(1);
    expect(samples.get('tether_rpc_server_call_duration_seconds_bucket{le="+Inf",method="ok",code="OK"}')).toBe(2);
    expect(samples.get('tether_rpc_server_calls_active{method="slow"}')).toBe(1);
    expect(samples.get('tether_connections')).toBe(2);
    expect(samples.get('tether_pushes_dropped_total')).toBe(0);
    expect(samples.get('tether_subscription_resumes_total{outcome="gap"}')).toBe(1);
    expect(samples.get('tether_subscription_resumes_total{outcome="replayed"}')).toBe(1);

    release();
    await slow;
    await server.publish('feed', 5);
    samples = await scrape();
    expect(samples.get('tether_rpc_server_calls_active{method="slow"}')).toBe(0);
    expect(samples.get('tether_subscription_lag{topic="feed"}')).toBe(0);

    const meter = await kit.metrics();
    const durations = meter.get('rpc.server.call.duration')!;
    const ok = durations.find((p) => p.attributes['rpc.method'] === 'ok')!;
    expect(ok.attributes).toEqual({ 'rpc.system.name': 'jsonrpc', 'rpc.method': 'ok' });
    expect((ok.value as { count: number }).count).toBe(2);
    const bad = durations.find((p) => p.attributes['rpc.method'] === 'bad')!;
    expect(bad.attributes).toMatchObject({ 'rpc.response.status_code': '-32602', 'error.type': '-32602' });
    expect(meter.get('tether.server.connections')![0]!.value).toBe(2);
    expect(meter.get('tether.server.calls.active')!.every((p) => p.value === 0)).toBe(true);
    expect(meter.get('tether.subscription.lag')).toEqual([
      { attributes: { 'messaging.destination.name': 'feed' }, value: 0 },
    ]);
    const resumes = meter
      .get('tether.subscription.resumes')!
      .map((p) => [p.attributes['tether.resume.outcome'], p.value]);
    expect(resumes.sort()).toEqual([
      ['gap', 1],
      ['replayed', 1],
    ]);
  });
});
