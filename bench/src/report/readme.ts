import { readFileSync, writeFileSync } from 'node:fs';
import { formatGrowth, formatTable, formatTargets } from './table.js';
import type { Results } from './results.js';
import { formatRuntimes } from './runtimes.js';

const START = '<!-- bench:start: written by `pnpm bench --readme` (bench/src/report/readme.ts) -->';
const END = '<!-- bench:end -->';

/** The README's Benchmarks section body: how it was measured, where, with what, and the figures. */
export function benchmarksSection(results: Results, chartPath: string): string {
  const m = results.machine;
  const versions = Object.entries(results.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const s = results.settings;
  const { rounds, slices, sliceMs } = s;
  const n = (value: number) => value.toLocaleString('en-US');
  const growth = formatGrowth(results);
  const runtimes = formatRuntimes(results);
  return [
    START,
    `Measured by \`pnpm bench\` on ${results.date.slice(0, 10)}: ${m.nproc} × ${m.cpu}, Node ${m.node} (${m.platform}).`,
    `Server and load generator run in separate processes over 127.0.0.1; each system uses its documented API;`,
    `every system runs each scenario in ${slices} slices per round (${sliceMs} ms windows for calls, one burst for fan-out) interleaved with the other systems', over ${rounds} round${rounds === 1 ? '' : 's'};`,
    `a figure is the system's best slice (load from elsewhere on a shared machine only ever slows a slice), idle memory the median over rounds;`,
    "the ratio in brackets is to the row's baseline, named in the second column: for most rows the better of two floors in this run, raw `ws` with JSON.parse/stringify",
    '(`raw-ws`, one write per frame) and the same with each socket corked from its first send of a tick until the tick ends (`raw-ws-cork`), on server and client alike.',
    '`raw-ws-frame-once` is a reference, never the baseline: the corked floor that also frames each event once and writes the same buffer to every subscriber.',
    'CPU rows are process CPU time (user + system) per call or per delivered event.',
    `Versions: ${versions}. Load average (1 min) at start and end: ${results.load.start.toFixed(2)}, ${results.load.end.toFixed(2)}.`,
    '',
    formatTable(results),
    '',
    ...(growth ? ['How cost grows with the work:', '', growth, ''] : []),
    ...(runtimes
      ? [
          'Tether on Bun beside Tether on Node (the server on `Bun.serve` through `@tether/server/bun`; the same client on Node):',
          '',
          runtimes,
          '',
        ]
      : []),
    `Fan-out: ${n(s.fanoutClients)} subscribed clients, ${n(s.fanoutEvents)} events per burst, and ${n(s.fanoutClientsLarge)} clients, ${n(s.fanoutEventsLarge)} events per burst;`,
    'across 2 nodes, the same clients split over two server processes sharing one local redis-server, events published on one (Tether only: no peer adapter for Redis is installed);',
    `publish via Redis: one Tether server process publishing to a local redis-server, awaited one at a time and ${s.publishDepth} in flight;`,
    `on a Redis Cluster, the same two over a local 3-master Redis Cluster (three \`redis-server --cluster-enabled yes\`, joined by \`redis-cli --cluster create\`), each server process's broker with \`cluster: true\`;`,
    `idle memory: ${n(s.idleConnections)} and ${n(s.idleConnectionsLarge)} connections, server process GC'd before each reading;`,
    'bundles: esbuild for the browser platform, minified, gzip level 9 (raw ws needs no library in a browser).',
    '',
    "Tether's targets in this run:",
    '',
    formatTargets(results),
    '',
    'Where a target is missed, `pnpm bench --profile` shows where each server process spends its time in the measured slices of each scenario',
    "(and, for idle connections, what each one holds on the server's heap), with Tether beside the scenario's baseline floor.",
    '',
    `![Benchmark chart](${chartPath})`,
    END,
  ].join('\n');
}

/**
 * Rewrites only the Benchmarks section of the README (between its markers), reading the
 * file right before writing since others edit the rest of it; appends the section if absent.
 */
export function updateReadme(path: string, section: string): void {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + section + text.slice(end + END.length)
      : `${text.replace(/\n*$/, '\n')}\n## Benchmarks\n\n${section}\n`;
  writeFileSync(path, next);
}
