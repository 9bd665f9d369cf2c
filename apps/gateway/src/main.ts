/**
 * `pnpm --filter @tether/gateway start`: the example gateway, in front of back ends started with
 * `pnpm --filter @tether/gateway backend` (as many as you like, each with its own NODE_ID).
 * Env: REDIS_URL (required), PORT (default 8080), PREFIX (registry key prefix, default `tether:`).
 */
import { redisRegistry } from '@tether/redis';
import { exampleConfig } from './config.js';
import { startGateway } from './gateway.js';

const redisUrl = process.env['REDIS_URL'];
if (!redisUrl) {
  console.error('gateway: set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379');
  process.exit(2);
}
const registry = redisRegistry({ url: redisUrl, prefix: process.env['PREFIX'] ?? 'tether:' });
const gateway = await startGateway({ config: exampleConfig, registry, port: Number(process.env['PORT'] ?? 8080) });
console.log(`gateway: ${gateway.url}?token=ada-token  (metrics: ${gateway.metricsUrl})`);
const stop = async () => {
  await gateway.close();
  await registry.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
