import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioOrder, type ScenarioId } from '../scenarios/catalog.js';
import type { Results } from './results.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Time in µs summed over one or more profiles: self time by function, by source module and by
 * area, and total (inclusive) time of Tether's own functions, each counted once per sample
 * however often it recurs on the stack.
 */
interface SelfTimes {
  total: number;
  byFunction: Map<string, number>;
  tetherInclusive: Map<string, number>;
  byModule: Map<string, number>;
  byArea: Map<string, number>;
}

/**
 * Which source module each line of a compiled child belongs to, from the `// path` comment
 * esbuild writes above each module's code.
 */
function moduleLines(url: string): (line: number) => string {
  const starts: Array<[number, string]> = [];
  try {
    readFileSync(fileURLToPath(url), 'utf8')
      .split('\n')
      .forEach((text, line) => {
        const marker = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(text);
        if (marker?.[1]) starts.push([line, marker[1]]);
      });
  } catch {
    return () => url;
  }
  return (line) => {
    let found = url;
    for (const [start, path] of starts) {
      if (start > line) break;
      found = path;
    }
    return found;
  };
}

/** Where a module lives, coarsely: which Tether package, which dependency, the bench, or Node. */
function area(path: string): string {
  const workspace = /packages\/([^/]+)\/src\//.exec(path);
  if (workspace) return `tether/${workspace[1]}`;
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (dep?.[1]) return dep[1];
  if (path.includes('bench/src/') || path.startsWith('src/')) return 'bench';
  if (path.startsWith('node:')) return 'node';
  return 'other';
}

const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

/** Adds the self time of one `.cpuprofile` to `into`. */
function addProfile(file: string, into: SelfTimes, mappers: Map<string, (line: number) => string>): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const locate = (url: string, line: number) => {
    if (!url.endsWith('.mjs') || !url.includes('/.build/')) return url;
    let mapper = mappers.get(url);
    if (!mapper) mappers.set(url, (mapper = moduleLines(url)));
    return mapper(line);
  };
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const described = new Map<number, { key: string; where: string; area: string }>();
  const describe = (node: ProfileNode) => {
    let found = described.get(node.id);
    if (found) return found;
    const frame = node.callFrame;
    const path = frame.url === '' ? '' : locate(frame.url, frame.lineNumber);
    const where = path
      .replace(/^.*?(packages|node_modules)\//, '$1/')
      .replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
    // Lines of a compiled child are the bundle's, not the source's: the module names the place.
    const line = frame.url && path === frame.url ? `:${frame.lineNumber + 1}` : '';
    found = {
      key: `${frame.functionName || '(anonymous)'} ${where}${line}`,
      where,
      area: frame.url === '' ? frame.functionName || '(native)' : area(path),
    };
    described.set(node.id, found);
    return found;
  };
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    into.total += us;
    const leaf = describe(node);
    add(into.byFunction, leaf.key, us);
    add(into.byModule, leaf.where || '(native)', us);
    add(into.byArea, leaf.area, us);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = describe(byId.get(at)!);
      if (frame.area.startsWith('tether/')) onStack.add(frame.key);
    }
    for (const key of onStack) add(into.tetherInclusive, key, us);
  }
}

const empty = (): SelfTimes => ({
  total: 0,
  byFunction: new Map(),
  tetherInclusive: new Map(),
  byModule: new Map(),
  byArea: new Map(),
});
const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
const pct = (us: number, total: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const areaLine = (t: SelfTimes) =>
  top(t.byArea, 6)
    .map(([k, us]) => `${k} ${((100 * us) / t.total).toFixed(0)}%`)
    .join(', ');

function details(title: string, t: SelfTimes, functions: number, modules: number): string[] {
  const lines = [
    `  ${title}, by function (self time):`,
    ...top(t.byFunction, functions).map(([k, us]) => `    ${pct(us, t.total)}  ${k}`),
    `  ${title}, by module (self time):`,
    ...top(t.byModule, modules).map(([k, us]) => `    ${pct(us, t.total)}  ${k}`),
  ];
  if (t.tetherInclusive.size > 0) {
    lines.push(`  ${title}, Tether's functions by total time (with what they call):`);
    lines.push(...top(t.tetherInclusive, functions).map(([k, us]) => `    ${pct(us, t.total)}  ${k}`));
  }
  return lines;
}

interface HeapRow {
  kind: string;
  count: number;
  bytes: number;
}

/**
 * What each idle connection holds on each server, from the heap censuses of the idle scenario
 * (`idle__<process>__heap.json`, averaged over rounds): the kinds of object that grew, with
 * count and bytes per connection. In full for every system in the long form; Tether's and the
 * baseline floor's in the short one.
 */
function heapSummary(dir: string, baseline: string | undefined): { short: string[]; long: string[] } {
  const bySystem = new Map<string, { rounds: number; rows: Map<string, HeapRow> }>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('__heap.json'))) {
    const parsed = parseName(file);
    if (!parsed) continue;
    const { rows } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { rows: HeapRow[] };
    let entry = bySystem.get(parsed.system);
    if (!entry) bySystem.set(parsed.system, (entry = { rounds: 0, rows: new Map() }));
    entry.rounds++;
    for (const row of rows) {
      const sum = entry.rows.get(row.kind) ?? { kind: row.kind, count: 0, bytes: 0 };
      sum.count += row.count;
      sum.bytes += row.bytes;
      entry.rows.set(row.kind, sum);
    }
  }
  const short: string[] = [];
  const long: string[] = [];
  if (bySystem.size === 0) return { short, long };
  const head =
    '== idle: what each idle connection holds on the server (heap census after GC, per connection, by kind of object) ==';
  short.push(head);
  long.push(head);
  for (const [system, { rounds, rows }] of [...bySystem].sort((a, b) => a[0].localeCompare(b[0]))) {
    const sorted = [...rows.values()]
      .map((r) => ({ ...r, count: r.count / rounds, bytes: r.bytes / rounds }))
      .sort((a, b) => b.bytes - a.bytes);
    const total = sorted.reduce((sum, r) => sum + Math.max(0, r.bytes), 0);
    const lines = (n: number) => [
      `  ${system} server: ${(total / 1024).toFixed(2)} KB per connection in the kinds that grew; largest:`,
      ...sorted
        .slice(0, n)
        .map((r) => `    ${r.bytes.toFixed(0).padStart(6)} B  ${r.count.toFixed(2).padStart(6)} ×  ${r.kind}`),
    ];
    long.push(...lines(40));
    if (system === 'tether' || system === baseline) short.push(...lines(system === 'tether' ? 20 : 8));
  }
  short.push('');
  long.push('');
  return { short, long };
}

/** Work done in all the measured (so profiled) slices of `system` in `scenario`: calls or delivered events. */
function unitsOf(
  rounds: Results['rounds'],
  system: string,
  scenario: ScenarioId,
): { count: number; unit: string } | undefined {
  let calls = 0;
  let events = 0;
  for (const round of rounds) {
    const outcome = round[system]?.[scenario];
    if (!outcome || !('slices' in outcome)) continue;
    for (const slice of outcome.slices) {
      calls += slice.calls ?? 0;
      events += slice.delivered ?? 0;
    }
  }
  if (calls > 0) return { count: calls, unit: 'call' };
  if (events > 0) return { count: events, unit: 'event' };
  return undefined;
}

/** One process's profiles: `<scenario>__<system>[-redis]-r<round>-<server|serverN|load>__<n>.cpuprofile`, rounds merged. */
function parseName(file: string): { scenario: ScenarioId; system: string; role: string } | undefined {
  const [scenario, name] = file.split('__');
  const process = /^(.+?)(-redis)?-r\d+-(server\d*|load)$/.exec(name ?? '');
  if (!scenario || !process) return undefined;
  return { scenario: scenario as ScenarioId, system: process[1]! + (process[2] ?? ''), role: process[3]! };
}

/**
 * Where each scenario's time goes, from the profiles of its measured slices in `dir`: per
 * system, each process's busy time and its split by area (Tether package, dependency, Node,
 * garbage collector); then Tether's server and the scenario's baseline floor by function and
 * by module. The short form is returned for the terminal; the long one (every process in
 * detail) is written to `dir/summary.txt`.
 */
export function summarizeProfiles(dir: string, results: Pick<Results, 'baselines' | 'rounds'>): string {
  const { baselines } = results;
  const groups = new Map<string, Map<string, SelfTimes>>();
  const mappers = new Map<string, (line: number) => string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const parsed = parseName(file);
    if (!parsed) continue;
    let bySystem = groups.get(parsed.scenario);
    if (!bySystem) groups.set(parsed.scenario, (bySystem = new Map()));
    const key = `${parsed.system} ${parsed.role}`;
    let times = bySystem.get(key);
    if (!times) bySystem.set(key, (times = empty()));
    addProfile(join(dir, file), times, mappers);
  }
  const short: string[] = [];
  const long: string[] = [];
  const heap = heapSummary(dir, baselines.idle);
  short.push(...heap.short);
  long.push(...heap.long);
  for (const scenario of scenarioOrder) {
    const bySystem = groups.get(scenario);
    if (!bySystem) continue;
    const head = [
      `== ${scenario}: busy time in the measured slices (all rounds), per unit of work, and where it goes ==`,
    ];
    const keys = [...bySystem.keys()].sort();
    for (const key of keys) {
      const t = bySystem.get(key)!;
      const units = unitsOf(results.rounds, key.split(' ')[0]!.replace(/-redis$/, ''), scenario);
      const per = units ? `${(t.total / units.count).toFixed(2).padStart(7)} µs/${units.unit}` : ''.padStart(15);
      head.push(`  ${key.padEnd(30)} ${(t.total / 1000).toFixed(0).padStart(6)} ms ${per}  ${areaLine(t)}`);
    }
    short.push(...head);
    long.push(...head);
    const baseline = baselines[scenario];
    for (const key of keys) {
      const t = bySystem.get(key)!;
      if (t.total === 0) continue;
      long.push(...details(key, t, 25, 12));
      if (key.startsWith('tether') && key.includes('server')) short.push(...details(key, t, 15, 8));
      else if (baseline && key === `${baseline} server`) short.push(...details(`${key} (the baseline)`, t, 8, 5));
    }
    short.push('');
    long.push('');
  }
  writeFileSync(join(dir, 'summary.txt'), long.join('\n'));
  return short.join('\n');
}
