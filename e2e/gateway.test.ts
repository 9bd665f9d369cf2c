import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, ErrorCode, RpcError, type Client } from '@tether/client';
import { exampleConfig, startGateway, type Gateway } from '@tether/gateway';
import { redisRegistry, type RedisRegistry } from '@tether/redis';
import { eventually, startRedisServer, type RedisServer } from '@tether/redis/testing';
import type { DisconnectInfo } from '@tether/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BACKEND = fileURLToPath(new URL('../apps/gateway/src/backend.ts', import.meta.url));
const PREFIX = `gateway-${process.pid}:`;
const TTL = 1500;

interface Backend {
  readonly url: string;
  readonly child: ChildProcess;
  kill(): Promise<void>;
}

const backends: Backend[] = [];

/** Starts apps/gateway/src/backend.ts as its own process; resolves once it has registered. */
async function startBackend(nodeId: string): Promise<Backend> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', BACKEND], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, REDIS_URL: redis.url, NODE_ID: nodeId, PREFIX, REGISTRY_TTL: String(TTL) },
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) =>
      Promise.reject(new Error(`backend ${nodeId} exited (${code}) before registering`)),
    ),
  ])) as [string];
  const backend = {
    url: (JSON.parse(line) as { url: string }).url,
    child,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
  backends.push(backend);
  return backend;
}

let redis: RedisServer;
let registry: RedisRegistry;
let gateway: Gateway;
const clients: Client[] = [];
const open = (token: string) => {
  const client = connect(`${gateway.url}?token=${token}`, { reconnect: { maxRetries: 0 }, timeout: 15_000 });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  redis = await startRedisServer();
  registry = redisRegistry({ url: redis.url, prefix: PREFIX, ttl: TTL });
  gateway = await startGateway({
    config: { ...exampleConfig, limits: { connections: 3, callsPerSecond: 1000, burst: 1000 } },
    registry,
    timeout: 5000,
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await gateway?.close();
  await registry?.close();
  await Promise.all(backends.map((b) => b.kill()));
  await redis?.stop();
});

/** Prometheus samples of the gateway's /metrics, by `name{labels}`. */
async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(gateway.metricsUrl)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match) samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

describe('the gateway in front of two back ends on one Redis', () => {
  it('authenticates, checks access, limits connections per user, caches, relays a subscription and survives a back end dying mid-traffic', async () => {
    const a = await startBackend('a');

    // Authentication: a connection without a known token is refused at the upgrade.
    const stranger = open('nobody');
    const refused = await new Promise<DisconnectInfo | undefined>((resolve) =>
      stranger.once('closed', (e) => resolve(e.disconnect)),
    );
    expect(refused?.status).toBe(401);

    const ada = open('ada-token');
    const bob = open('bob-token');
    await expect(ada.call('math.add', { a: 1, b: 2 })).resolves.toBe(3);

    // Access control: bob lacks the admin role, and is told which method wanted what.
    await expect(bob.call('math.admin', {})).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
      message: expect.stringContaining('math.admin requires "admin"'),
      data: { method: 'math.admin', missing: ['admin'] },
    });
    await expect(ada.call('math.admin', {})).resolves.toBe('admin on a');
    // Methods the gateway does not route are not reachable through it.
    await expect(ada.call('math.fibRuns', {})).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });

    // Per-user connections: ada may hold 3.
    const more = [open('ada-token'), open('ada-token')];
    await Promise.all(more.map((c) => c.opened()));
    const fourth = open('ada-token');
    const tooMany = await new Promise<DisconnectInfo | undefined>((resolve) =>
      fourth.once('closed', (e) => resolve(e.disconnect)),
    );
    expect(tooMany?.status).toBe(429);
    await Promise.all(more.map((c) => c.close()));

    // Caching: five equal calls of a cacheable method, one run on the back end.
    const fibs = await Promise.all(Array.from({ length: 5 }, () => ada.call('math.fib', { n: 20 })));
    expect(fibs).toEqual(Array(5).fill(6765));
    const direct = connect(a.url, { reconnect: { maxRetries: 0 } });
    clients.push(direct);
    expect(await direct.call('math.fibRuns', {})).toBe(1);

    // A subscription relayed from a (the only back end yet), with the back end's event ids.
    const events: Array<{ data: unknown; id: number | undefined }> = [];
    const gaps: unknown[] = [];
    let waiting: { count: number; resolve: () => void } | undefined;
    const received = (count: number) =>
      events.length >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { count, resolve }));
    const onEvent = (data: unknown, id: number | undefined) => {
      events.push({ data, id });
      if (waiting && events.length >= waiting.count) waiting.resolve();
    };
    const ticks = ada.subscribe('math.ticks', {}, { onEvent, onGap: (g) => gaps.push(g) });
    await ticks.ready;
    for (let i = 0; i < 5; i++) await direct.call('math.publish', { data: i });
    await received(5);

    const b = await startBackend('b');
    const viaB = connect(b.url, { reconnect: { maxRetries: 0 } });
    clients.push(viaB);
    await eventually(async () => (await registry.providers('math')).length === 2, 5000);

    // Traffic over both, with a killed mid-way: every call settles, with a result or a reason.
    const outcomes: Array<PromiseSettledResult<unknown>> = [];
    const whoAnswered: string[] = [];
    let killed = false;
    const lane = async (n: number) => {
      for (let i = 0; i < 40; i++) {
        const call = i % 2 === 0 ? ada.call('math.add', { a: n, b: i }) : ada.call<string>('math.whoami', {});
        const [outcome] = await Promise.allSettled([call]);
        outcomes.push(outcome!);
        if (outcome!.status === 'fulfilled' && typeof outcome!.value === 'string') whoAnswered.push(outcome!.value);
        if (!killed && outcomes.length >= 60) {
          killed = true;
          await a.kill();
          // Published while the relay moves: the shared broker keeps it for the resume on b.
          await viaB.call('math.publish', { data: 'during' });
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, (_, n) => lane(n)));
    expect(outcomes).toHaveLength(160);
    const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    for (const { reason } of failures) {
      expect(reason).toBeInstanceOf(RpcError);
      expect((reason as RpcError).message).toMatch(/math\/a|math\.(add|whoami)/);
    }
    // Idempotent math.add moved to b; only whoami calls caught on a mid-call may fail.
    expect(failures.every((f) => String((f.reason as RpcError).message).includes('math.whoami'))).toBe(true);
    expect(whoAnswered).toContain('a');
    expect(whoAnswered.at(-1)).toBe('b');
    await expect(ada.call('math.whoami', {})).resolves.toBe('b');

    // The subscription moved to b from the last id it relayed: nothing lost, no gap.
    for (let i = 5; i < 8; i++) await viaB.call('math.publish', { data: i });
    await received(9);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events.map((e) => e.data)).toEqual([0, 1, 2, 3, 4, 'during', 5, 6, 7]);
    expect(gaps).toEqual([]);

    const samples = await scrape();
    expect(samples.get('tether_gateway_backends_down_total{backend="math/a"}')).toBe(1);
    expect(samples.get('tether_gateway_moves_total{kind="subscription",from="math/a"}')).toBe(1);
    expect(samples.get('tether_gateway_cache_lookups_total{result="hit"}')).toBe(4);
    expect(samples.get('tether_gateway_cache_lookups_total{result="miss"}')).toBe(1);
    expect(samples.get('tether_connections')).toBe(2);
    expect(
      samples.get('tether_rpc_server_call_duration_seconds_count{method="math.add",code="OK"}'),
    ).toBeGreaterThanOrEqual(80);
    // The denied call was refused by the server's guard, before middleware: only ada's is timed.
    expect(samples.get('tether_rpc_server_call_duration_seconds_count{method="math.admin",code="OK"}')).toBe(1);
  });
});
