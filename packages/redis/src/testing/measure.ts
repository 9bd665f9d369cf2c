/**
 * Rough figures for the Redis broker against a local redis-server it starts: publish rate
 * (one at a time and 100 in flight) and publish-to-delivery latency between two brokers.
 * Run from the workspace root: node --import tsx --conditions=source packages/redis/src/testing/measure.ts
 */
import { redisBroker } from '../broker/redis-broker.js';
import { startRedisServer } from './redis-server.js';

const EVENTS = 5_000;

await using redis = await startRedisServer();
const publisher = redisBroker({ url: redis.url, prefix: 'measure:' });
const subscriber = redisBroker({ url: redis.url, prefix: 'measure:' });
await Promise.all([publisher.ready(), subscriber.ready()]);

const sentAt = new Map<number, number>();
const latencies: number[] = [];
let received = 0;
let allReceived!: () => void;
const done = new Promise<void>((resolve) => (allReceived = resolve));
const stop = await subscriber.subscribe('latency', (event) => {
  const sent = sentAt.get(event.id);
  if (sent !== undefined) latencies.push(performance.now() - sent);
  if (++received === EVENTS) allReceived();
});

let started = performance.now();
for (let i = 0; i < EVENTS; i++) await publisher.publish('sequential', { i });
const sequential = EVENTS / ((performance.now() - started) / 1000);

started = performance.now();
for (let batch = 0; batch < EVENTS / 100; batch++) {
  await Promise.all(Array.from({ length: 100 }, (_, i) => publisher.publish('pipelined', { i })));
}
const pipelined = EVENTS / ((performance.now() - started) / 1000);

// Latency: one event at a time, each timed from just before publish to its delivery.
for (let i = 0; i < EVENTS; i++) {
  const id = i + 1;
  sentAt.set(id, performance.now());
  await publisher.publish('latency', { i });
}
await done;
await stop();
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(3);

console.log(`publish, one at a time: ${sequential.toFixed(0)} events/s`);
console.log(`publish, 100 in flight: ${pipelined.toFixed(0)} events/s`);
console.log(`publish to delivery on another broker (ms): p50 ${at(0.5)}, p99 ${at(0.99)}, max ${at(1)}`);
await Promise.all([publisher.close(), subscriber.close()]);
