/**
 * `pnpm bench`: Tether against two hand-written `ws` floors (plain and corked) and its peers, in one run on this machine.
 * Flags: --quick (about a minute, a smoke test), --rounds=N, --only=a,b (systems; the floors always run),
 * --scenarios=a,b (see scenarios/catalog.ts), --profile (CPU profiles of each scenario's measured slices in every child, into
 * results/profiles, summarized per scenario: where the server's time goes),
 * --micro (only the core's hot paths in ns per call, no sockets: src/micro/core-paths.ts),
 * --readme (rewrite the README's Benchmarks section; complete runs only), --report (no run:
 * re-render the table, chart and, with --readme, the README from results/latest.json).
 * A quick run writes latest-quick.json, one limited by --only, --scenarios or --profile
 * latest-partial.json, so neither overwrites the complete run's results. Every complete run is
 * also kept in results/runs/; --spread[=N] (no run) sets Tether's targets in the N latest (3) side by side.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureBundle, type BundleSize } from './bundle.js';
import { buildChildren } from './process/build.js';
import { runRound, type RoundOutcomes } from './process/round.js';
import { fullSettings, quickSettings, rows, scenarioOrder, type ScenarioId } from './scenarios/catalog.js';
import { systems as allSystems } from './systems/index.js';
import { checkTargetsWithSpread } from './report/targets.js';
import { summarizeProfiles } from './report/profile.js';
import { describeMachine, packageVersions } from './report/machine.js';
import { outputName, publish, readResults, runsDir } from './report/publish.js';
import { formatSpread, latestRuns } from './report/spread.js';
import { aggregate, bestSlice, type Results } from './report/results.js';
import { formatValue } from './report/table.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const quick = flag('quick');
const settings = { ...(quick ? quickSettings : fullSettings) };
const rounds = option('rounds');
if (rounds) settings.rounds = Math.max(1, Number.parseInt(rounds, 10));
const only = option('only')?.split(',');
const systems = allSystems.filter((s) => !only || s.role === 'floor' || only.includes(s.name));
const wanted = option('scenarios')?.split(',');
const scenarios = scenarioOrder.filter((s) => !wanted || wanted.includes(s));

const kind = quick ? '-quick' : only || wanted || flag('profile') ? '-partial' : '';
if (flag('readme') && kind !== '')
  throw new Error('bench: --readme needs a complete run (no --quick, --only, --scenarios or --profile)');
if (flag('report')) {
  publish(readResults(outputName(kind).json), kind, { readme: flag('readme'), rewriteJson: false });
  process.exit(0);
}

if (flag('spread') || option('spread')) {
  console.log(formatSpread(latestRuns(runsDir, Math.max(1, Number.parseInt(option('spread') ?? '3', 10)))));
  process.exit(0);
}

if (flag('micro')) {
  const { micro } = await buildChildren();
  execFileSync(process.execPath, [micro], { stdio: 'inherit' });
  process.exit(0);
}

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
const profileDir = flag('profile') ? `${resultsDir}profiles` : undefined;
// Profiles of an earlier run would be summarized with this one's.
if (profileDir) rmSync(profileDir, { recursive: true, force: true });
mkdirSync(profileDir ?? resultsDir, { recursive: true });

const began = performance.now();
const loadAtStart = loadavg()[0] ?? 0;
const log = (text: string) => process.stderr.write(`${text}\n`);
log(`bench: ${quick ? 'quick' : 'full'} run, ${settings.rounds} round(s), ${systems.map((s) => s.name).join(', ')}`);

const scripts = await buildChildren();
const bundles: Record<string, BundleSize | null> = {};
for (const system of systems) bundles[system.name] = (await measureBundle(system)) ?? null;

const roundsOut: Results['rounds'] = [];
for (let round = 0; round < settings.rounds; round++) {
  let since = performance.now();
  const report = (scenario: ScenarioId, out: RoundOutcomes) => {
    const seconds = ((performance.now() - since) / 1000).toFixed(1);
    since = performance.now();
    log(`[round ${round + 1}/${settings.rounds}] ${scenario} (${seconds} s): ${summarize(scenario, out)}`);
  };
  roundsOut.push(await runRound(systems, scenarios, settings, { profileDir, scripts }, round + 1, report));
}

const names = systems.map((s) => s.name);
const run: Omit<Results, 'targets'> = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  machine: describeMachine(),
  load: { start: loadAtStart, end: loadavg()[0] ?? 0 },
  versions: packageVersions([...new Set(['@tether/core', ...systems.flatMap((s) => s.packages)])]),
  settings,
  systems: names,
  scenarios: [...scenarios],
  rounds: roundsOut,
  bundles,
  ...aggregate(names, scenarios, roundsOut, bundles, settings),
};
const results: Results = {
  ...run,
  targets: checkTargetsWithSpread(run, (round) => aggregate(names, scenarios, [round], bundles, settings)),
};

publish(results, kind, { readme: flag('readme'), rewriteJson: true });
if (profileDir)
  console.log(
    `\nCPU profiles of the measured slices (${profileDir}; every process in detail in summary.txt):\n${summarizeProfiles(profileDir, results)}`,
  );
log(`\nbench: done in ${((performance.now() - began) / 1000).toFixed(1)} s; results in ${outputName(kind).json}`);

function summarize(scenario: ScenarioId, out: RoundOutcomes): string {
  const row = rows.find((r) => r.scenario === scenario);
  const parts: string[] = [];
  for (const [system, outcomes] of Object.entries(out)) {
    const outcome = outcomes[scenario];
    if (!outcome) continue;
    if ('error' in outcome) {
      parts.push(
        outcome.error.startsWith('skipped') ? `${system} ${outcome.error}` : `${system} FAILED (${outcome.error})`,
      );
      continue;
    }
    const best = row ? bestSlice(row, outcome.slices) : undefined;
    const value = row && best ? best[row.metric] : undefined;
    parts.push(row && value !== undefined ? `${system} ${formatValue(row, value)}` : system);
  }
  return parts.join(', ');
}
