/**
 * A provider that registers and then just lives, for tests that SIGKILL it to watch its
 * record expire. Run: node --import tsx --conditions=source provider-process.ts <url> <service> <nodeId> <ttl> <prefix>
 */
import { redisRegistry } from '../registry/redis-registry.js';

const [url, service, nodeId, ttl, prefix] = process.argv.slice(2);
const registry = redisRegistry({ url: url!, ttl: Number(ttl), prefix: prefix! });
await registry.register(service!, { nodeId: nodeId!, url: `ws://127.0.0.1/${nodeId}` });
process.stdout.write('registered\n');
// The heartbeat timer is unref'd: something has to keep this process alive until it is killed.
setInterval(() => undefined, 60_000);
