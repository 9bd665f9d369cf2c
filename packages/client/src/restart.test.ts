import { describe, expect, it } from 'vitest';
import { CloseCode } from '@tether/core';
import { MemoryBroker } from '@tether/server';
import { startTestServer } from '@tether/server/testing';
import { connect, type Client } from './client.js';
import type { Schedule } from './reconnect/schedule.js';

const CLIENTS = 2_000;
const WINDOW = 10_000;
/** Connects made at once, so the loopback listen backlog (511) is never what is measured. */
const WAVE = 200;

/** A deterministic [0, 1) source (mulberry32), so the spread is the same on every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A Schedule that only records: the test decides when each timer's time has come. */
function recordingSchedule() {
  const tasks: Array<{ run: () => void; delay: number }> = [];
  const schedule: Schedule = (run, delay) => {
    const task = { run, delay };
    tasks.push(task);
    return () => {
      const at = tasks.indexOf(task);
      if (at !== -1) tasks.splice(at, 1);
    };
  };
  return { schedule, tasks };
}

describe('a rolling restart', () => {
  it(`spreads ${CLIENTS} clients' reconnects over the server's window, and every subscription resumes without loss`, async () => {
    // One broker for both servers, as a Redis broker would be: history outlives the restart.
    const broker = new MemoryBroker();
    const serve = async (port?: number) => {
      const test = await startTestServer(port === undefined ? { broker } : { broker, port });
      test.server.subscription('ticks', () => test.server.topic('ticks'));
      return test;
    };
    const first = await serve();
    const { schedule, tasks } = recordingSchedule();
    const random = seeded(15);
    const clients: Client[] = [];
    const received: number[][] = [];
    const resumed: Array<Promise<void>> = [];
    for (let i = 0; i < CLIENTS; i++) {
      // No heartbeat and no connect timeout: the only timers left are the reconnect delays.
      const client = connect(first.url, { schedule, heartbeat: false, connectTimeout: 0, reconnect: { random } });
      const events: number[] = [];
      let done!: () => void;
      resumed.push(new Promise((resolve) => (done = resolve)));
      client.subscribe<number>('ticks', undefined, {
        onEvent: (n) => {
          events.push(n);
          if (n === 4) done();
        },
      });
      clients.push(client);
      received.push(events);
      if (clients.length % WAVE === 0) await Promise.all(clients.slice(-WAVE).map((c) => c.opened()));
    }
    try {
      while (first.server.subscriberCount('ticks') < CLIENTS) await new Promise((resolve) => setImmediate(resolve));
      await first.server.publish('ticks', 1);

      const codes = clients.map(
        (client) =>
          new Promise<number>((resolve) => client.once('reconnecting', (event) => resolve(event.disconnect.code))),
      );
      await first.server.close({ reconnectWindow: WINDOW, deadline: 0 });
      expect(new Set(await Promise.all(codes))).toEqual(new Set([CloseCode.ServiceRestart]));

      const second = await serve(first.port);
      await using _ = second;
      // Published while every client is away: each must get them from history on resume.
      await second.server.publish('ticks', 2);
      await second.server.publish('ticks', 3);

      const delays = tasks.map((task) => task.delay);
      expect(delays).toHaveLength(CLIENTS);
      expect(Math.max(...delays)).toBeLessThan(WINDOW);
      const buckets = new Array<number>(WINDOW / 100).fill(0);
      for (const delay of delays) buckets[Math.floor(delay / 100)]!++;
      // Spread evenly, each 100 ms holds 1% of the clients; in one burst, one bucket would hold 100%.
      expect(Math.max(...buckets) / CLIENTS).toBeLessThan(0.02);
      expect(buckets.filter((count) => count === 0)).toEqual([]);

      // Time passes: each client reconnects when its delay comes, in that order.
      const due = tasks.splice(0).sort((a, b) => a.delay - b.delay);
      for (let i = 0; i < due.length; i += WAVE) {
        const wave = due.slice(i, i + WAVE);
        for (const task of wave) task.run();
        while (second.server.stats.connections < i + wave.length) await new Promise((resolve) => setImmediate(resolve));
      }
      while (second.server.subscriberCount('ticks') < CLIENTS) await new Promise((resolve) => setImmediate(resolve));
      await second.server.publish('ticks', 4);
      await Promise.all(resumed);
      expect(received.filter((events) => events.join() !== '1,2,3,4')).toEqual([]);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await broker.close();
    }
  }, 120_000);
});
