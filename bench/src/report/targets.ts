import {
  alongsideMetric,
  fanoutSize,
  idleSize,
  rowLabel,
  rows,
  type Row,
  type ScenarioId,
} from '../scenarios/catalog.js';
import { isPeer } from '../systems/index.js';
import { formatRatio, rowKey, type Results, type TargetCheck } from './results.js';
import { formatValue } from './table.js';

const TETHER = 'tether';
/** The browser bundle's ceiling, min+gzip. */
const BUNDLE_LIMIT_BYTES = 8 * 1024;

type Run = Omit<Results, 'targets'>;

const rowOf = (scenario: ScenarioId | 'bundle', metric: string): Row => {
  const row = rows.find((r) => r.scenario === scenario && r.metric === metric);
  if (!row) throw new Error(`bench: no row ${scenario}.${metric}`);
  return row;
};

const figure = (run: Run, system: string, row: Row) => run.figures[system]?.[rowKey(row)] ?? null;

/** Tether's figure in `row` against the scenario's baseline floor, as a ratio with both figures. */
function againstFloor(run: Run, row: Row): { ratio: number | null; detail: string } {
  const ratio = run.ratios[TETHER]?.[rowKey(row)] ?? null;
  const floor = row.scenario === 'bundle' ? undefined : run.baselines[row.scenario];
  const mine = figure(run, TETHER, row);
  const theirs = floor ? figure(run, floor, row) : null;
  if (ratio == null || mine == null || theirs == null || !floor) return { ratio: null, detail: 'not measured' };
  return {
    ratio,
    detail: `${formatRatio(ratio)} of ${floor} (${formatValue(row, mine)} vs ${formatValue(row, theirs)})`,
  };
}

/** The libraries other than Tether whose figure in `row` is at least as good as Tether's. */
function peersNotBehind(run: Run, row: Row): string[] {
  const mine = figure(run, TETHER, row);
  return run.systems.filter((s) => {
    if (!isPeer(s)) return false;
    const theirs = figure(run, s, row);
    if (theirs == null) return false;
    return mine == null || (row.better === 'higher' ? theirs >= mine : theirs <= mine);
  });
}

/** A ratio target on one row: at least `min` (or at most `max`) times the floor, optionally ahead of every peer too. */
function ratioTarget(run: Run, row: Row, bound: { min?: number; max?: number }, aheadOfPeers = false): TargetCheck {
  const { ratio, detail } = againstFloor(run, row);
  const wanted = bound.min !== undefined ? `≥ ${bound.min.toFixed(2)}x` : `≤ ${bound.max!.toFixed(2)}x`;
  const label = `${rowLabel(row, run.settings)} ${wanted} the better floor${aheadOfPeers ? ', ahead of every peer' : ''}`;
  if (ratio == null) return { label, met: undefined, detail, ratio };
  const behind = aheadOfPeers ? peersNotBehind(run, row) : [];
  const withinBound = bound.min !== undefined ? ratio >= bound.min : ratio <= bound.max!;
  const peers = aheadOfPeers ? (behind.length ? `; not ahead of ${behind.join(', ')}` : '; ahead of every peer') : '';
  return { label, met: withinBound && behind.length === 0, detail: `${detail}${peers}`, ratio };
}

/**
 * The targets of the whole run, each with the ratio it bounds as measured in each round alone
 * (that round's best slices, its own better floor): the spread a single round would show.
 */
export function checkTargetsWithSpread(
  run: Run,
  aggregateRound: (round: Run['rounds'][number]) => Pick<Run, 'figures' | 'baselines' | 'ratios' | 'errors'>,
): TargetCheck[] {
  const checks = checkTargets(run);
  if (run.rounds.length < 2) return checks;
  const rounds = run.rounds.map((round) => checkTargets({ ...run, rounds: [round], ...aggregateRound(round) }));
  return checks.map((check) =>
    check.ratio === undefined
      ? check
      : { ...check, perRound: rounds.map((r) => r.find((c) => c.label === check.label)?.ratio ?? null) },
  );
}

/**
 * Tether's targets (issue 14), each a ratio to the better floor in this run: fan-out events/s
 * and server CPU per event at both subscriber counts, idle heap at both connection counts,
 * calls ahead of the floor and of every peer, p99, two Redis nodes against one, the bundle.
 * Targets whose scenarios this run did not measure are left out.
 */
export function checkTargets(run: Run): TargetCheck[] {
  if (!run.systems.includes(TETHER)) return [];
  const measured = (scenario: ScenarioId) => run.scenarios.includes(scenario);
  const checks: TargetCheck[] = [];
  for (const scenario of ['fanout', 'fanout-large'] as const) {
    if (!measured(scenario) || !fanoutSize(scenario, run.settings)) continue;
    checks.push(ratioTarget(run, rowOf(scenario, 'eventsPerSec'), { min: 1.2 }));
    checks.push(ratioTarget(run, rowOf(scenario, 'serverCpuUs'), { max: 0.7 }));
  }
  for (const scenario of ['idle', 'idle-large'] as const) {
    if (measured(scenario) && idleSize(scenario, run.settings))
      checks.push(ratioTarget(run, rowOf(scenario, 'heapPerConn'), { max: 1.15 }));
  }
  for (const scenario of ['sequential', 'inflight', 'conns', 'echo1k'] as const) {
    if (measured(scenario)) checks.push(ratioTarget(run, rowOf(scenario, 'callsPerSec'), { min: 1.0 }, true));
  }
  if (measured('sequential')) checks.push(ratioTarget(run, rowOf('sequential', 'p99Us'), { max: 1.1 }));
  if (measured('fanout-redis')) checks.push(twoNodes(run));
  checks.push(bundle(run));
  return checks;
}

function twoNodes(run: Run): TargetCheck {
  const row = rowOf('fanout-redis', 'eventsPerSec');
  const label = `${rowLabel(row, run.settings)} ≥ 1.60x Tether on one node`;
  const ratio = run.ratios[TETHER]?.[rowKey(row)] ?? null;
  const two = figure(run, TETHER, row);
  const one = figure(run, TETHER, rowOf('fanout-redis', alongsideMetric('oneNode', 'eventsPerSec')));
  if (ratio == null || two == null || one == null) return { label, met: undefined, detail: 'not measured', ratio };
  return {
    label,
    met: ratio >= 1.6,
    detail: `${formatRatio(ratio)} (${formatValue(row, two)} vs ${formatValue(row, one)} on one node alongside)`,
    ratio,
  };
}

function bundle(run: Run): TargetCheck {
  const label = `browser bundle < ${BUNDLE_LIMIT_BYTES.toLocaleString('en-US')} B min+gzip, under every peer's`;
  const mine = run.bundles[TETHER]?.gzipBytes;
  if (mine == null) return { label, met: undefined, detail: 'not measured' };
  const notLarger = run.systems.filter(isPeer).filter((s) => {
    const theirs = run.bundles[s]?.gzipBytes;
    return theirs != null && theirs <= mine;
  });
  const peers = notLarger.map((s) => `${s} ${run.bundles[s]!.gzipBytes.toLocaleString('en-US')} B`);
  return {
    label,
    met: mine < BUNDLE_LIMIT_BYTES && notLarger.length === 0,
    detail: `${mine.toLocaleString('en-US')} B${peers.length ? `; not under ${peers.join(', ')}` : '; under every peer'}`,
  };
}
