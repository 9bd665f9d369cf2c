/**
 * An example back end behind the gateway: a Tether server serving service `math`, registered in
 * the Redis registry, its topics on the Redis broker (so every back end's subscribers share
 * them, and a subscription can move between back ends without loss).
 * Env: REDIS_URL (required), NODE_ID (default the pid), PREFIX (key prefix, default `tether:`),
 * REGISTRY_TTL (ms, default 10000). Prints `{"port":n,"url":…}` once registered; exits when
 * stdin closes or on SIGTERM.
 */
import { ErrorCode, RpcError, type CallContext } from '@tether/core';
import { instrumentServer, traceBroker } from '@tether/otel';
import { redisBroker, redisRegistry } from '@tether/redis';
import { createServer } from '@tether/server';

const redisUrl = process.env['REDIS_URL'];
if (!redisUrl) {
  console.error('backend: set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379');
  process.exit(2);
}
const nodeId = process.env['NODE_ID'] ?? String(process.pid);
const prefix = process.env['PREFIX'] ?? 'tether:';
const ttl = Number(process.env['REGISTRY_TTL'] ?? 10_000);

const broker = redisBroker({ url: redisUrl, prefix });
await broker.ready();
const server = await createServer({ port: Number(process.env['PORT'] ?? 0), broker: traceBroker(broker) });
instrumentServer(server);

const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
let fibRuns = 0;
server.serve({
  math: {
    add: (p: { a: number; b: number }) => p.a + p.b,
    fib: (p: { n: number }) => {
      if (!Number.isInteger(p.n) || p.n < 0 || p.n > 30)
        throw new RpcError(ErrorCode.InvalidParams, 'math.fib: n must be an integer from 0 to 30');
      fibRuns++;
      return fib(p.n);
    },
    // How often fib really ran here: what the gateway's cache should keep low.
    fibRuns: () => fibRuns,
    whoami: () => nodeId,
    admin: () => `admin on ${nodeId}`,
    publish: (p: { data: unknown }) => server.publish('ticks', p.data),
  },
});
server.subscription('math.ticks', function (this: CallContext<undefined>) {
  return server.topic('ticks');
});

const registry = redisRegistry({ url: redisUrl, prefix, ttl });
const registration = await registry.register('math', { nodeId, url: server.url });
process.stdout.write(`${JSON.stringify({ port: server.port, url: server.url, nodeId })}\n`);

const stop = async () => {
  await registration.unregister().catch(() => undefined);
  await server.close({ deadline: 1000 });
  await Promise.all([registry.close(), broker.close()]);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop()).resume();
