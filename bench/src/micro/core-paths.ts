/**
 * CPU cost of the core's own hot paths, without sockets: what a change to @tether/core saves
 * shows here in ns per call, where the socket benchmarks' syscalls and a shared machine's
 * noise would hide it. Run compiled (`pnpm bench --micro`), as users run the built packages.
 */
import { Peer, Service, type Transport } from '@tether/core';

const REPEATS = 5;
const params = { text: 'hello', n: 42, ok: true };
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A transport that hands sent text to `onSend` and lets the test deliver messages. */
function loopback(onSend: (text: string) => void): { transport: Transport; deliver: (text: string) => void } {
  let listener: (text: string) => void = () => undefined;
  return {
    transport: { send: onSend, onMessage: (l) => (listener = l), onClose: () => undefined, close: () => undefined },
    deliver: (text) => listener(text),
  };
}

/** Median and minimum CPU ns per unit of `run(units)` over REPEATS runs, after one warm-up run. */
async function measure(units: number, run: (units: number) => Promise<void>): Promise<{ median: number; min: number }> {
  await run(units);
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = process.cpuUsage();
    await run(units);
    const used = process.cpuUsage(start);
    samples.push(((used.user + used.system) * 1000) / units);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[REPEATS >> 1]!, min: samples[0]! };
}

/** A server peer: requests parsed, passed through `middleware` layers, answered by `echo`. */
async function serverPath(middleware: number): Promise<{ median: number; min: number }> {
  const service = new Service();
  for (let i = 0; i < middleware; i++) service.use(async (_call, next) => await next());
  service.register('echo', (p: unknown) => p);
  const { transport, deliver } = loopback(() => undefined);
  new Peer({ service }).attach(transport);
  const texts = Array.from({ length: 64 }, (_, i) =>
    JSON.stringify({ jsonrpc: '2.0', id: i + 1, method: 'echo', params }),
  );
  return measure(200_000, async (units) => {
    for (let done = 0; done < units; done += texts.length) {
      for (const text of texts) deliver(text);
      await turn();
    }
  });
}

/** A client peer keeping `depth` calls in flight; the transport answers each request at once. */
async function clientPath(depth: number): Promise<{ median: number; min: number }> {
  const outbox: string[] = [];
  const { transport, deliver } = loopback((text) => outbox.push(text));
  const peer = new Peer({});
  peer.attach(transport);
  const result = JSON.stringify(params);
  return measure(depth === 1 ? 50_000 : 200_000, async (units) => {
    let started = 0;
    const lane = async () => {
      while (started < units) {
        started++;
        await peer.call('echo', params);
      }
    };
    let finished = false;
    void Promise.all(Array.from({ length: depth }, lane)).then(() => (finished = true));
    while (!finished) {
      for (const text of outbox.splice(0)) {
        const id = (JSON.parse(text) as { id: number }).id;
        deliver(`{"jsonrpc":"2.0","id":${id},"result":${result}}`);
      }
      await turn();
    }
  });
}

const report = (name: string, r: { median: number; min: number }) =>
  console.log(`${name.padEnd(44)} ${r.median.toFixed(0).padStart(6)} ns/call (min ${r.min.toFixed(0)})`);

report('server: parse, echo, encode (no middleware)', await serverPath(0));
report('server: same through 1 async middleware', await serverPath(1));
report('client: call and settle, 64 in flight', await clientPath(64));
report('client: call and settle, 1 in flight', await clientPath(1));
