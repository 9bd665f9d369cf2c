import {
  idleSize,
  primaryRowOf,
  rows,
  type Metrics,
  type Row,
  type RunSettings,
  type ScenarioId,
} from '../scenarios/catalog.js';
import { median } from '../scenarios/stats.js';
import { floors } from '../systems/index.js';
import type { BundleSize } from '../bundle.js';
import type { RoundOutcomes } from '../process/round.js';
import type { Machine } from './machine.js';

/** A row's key in figures and ratios: `scenario.metric`. */
export const rowKey = (row: Row): string => `${row.scenario}.${row.metric}`;

/** Everything one run produced; written as JSON to bench/results/latest.json. */
export interface Results {
  date: string;
  mode: 'quick' | 'full';
  machine: Machine;
  /** The machine's 1-minute load average when the run began and ended: other work skews figures. */
  load: { start: number; end: number };
  versions: Record<string, string>;
  settings: RunSettings;
  systems: string[];
  /** Scenarios this run measured (the bundle row is always measured). */
  scenarios: ScenarioId[];
  /** Per round, per system, per scenario: the figures or the error. */
  rounds: RoundOutcomes[];
  bundles: Record<string, BundleSize | null>;
  /** Per system, per row key (see `aggregate`); null where none was measured. */
  figures: Record<string, Record<string, number | null>>;
  /** Per scenario, the floor its ratios are taken against: the better floor in this run. */
  baselines: Partial<Record<ScenarioId, string>>;
  /** `figures` divided by each row's baseline, per system, per row key. */
  ratios: Record<string, Record<string, number | null>>;
  errors: Record<string, string[]>;
  targets: TargetCheck[];
}

/** One of Tether's targets and whether this run met it. */
export interface TargetCheck {
  label: string;
  /** Undefined where the run did not measure what the target needs. */
  met: boolean | undefined;
  detail: string;
  /** The ratio the target bounds; undefined for one that bounds no ratio (the bundle). */
  ratio?: number | null;
  /** The same ratio from each round's figures alone: how far one round's comparison can move. */
  perRound?: Array<number | null>;
}

/** The slice with the best figure in `row`'s metric: interference from elsewhere only ever makes a slice worse. */
export function bestSlice(row: Row, slices: readonly Metrics[]): Metrics | undefined {
  let best: Metrics | undefined;
  for (const slice of slices) {
    const value = slice[row.metric];
    if (value === undefined || !Number.isFinite(value)) continue;
    const current = best?.[row.metric];
    if (current === undefined || (row.better === 'higher' ? value > current : value < current)) best = slice;
  }
  return best;
}

const better = (row: Row, a: number, b: number) => (row.better === 'higher' ? a > b : a < b);

/**
 * Each scenario's baseline: of the floors that measured it, the one with the better figure in
 * the scenario's first row (what an expert writing it by hand would pick for that workload).
 * All of that scenario's rows then take their ratio against the same floor.
 */
export function pickBaselines(
  figures: Results['figures'],
  scenarios: readonly ScenarioId[],
  candidates: readonly string[] = floors,
): Results['baselines'] {
  const baselines: Results['baselines'] = {};
  for (const scenario of scenarios) {
    const primary = primaryRowOf(scenario);
    if (!primary || primary.baseline !== 'floor') continue;
    const key = rowKey(primary);
    let chosen: string | undefined;
    for (const floor of candidates) {
      const value = figures[floor]?.[key];
      const current = chosen === undefined ? undefined : figures[chosen]?.[key];
      if (value == null) continue;
      if (current == null || better(primary, value, current)) chosen = floor;
    }
    if (chosen) baselines[scenario] = chosen;
  }
  return baselines;
}

/** The figure `row`'s ratio for `system` is taken against, if any. */
function against(
  row: Row,
  system: string,
  figures: Results['figures'],
  baselines: Results['baselines'],
): number | null | undefined {
  if (row.baseline === 'none' || row.scenario === 'bundle') return undefined;
  if (row.baseline === 'floor') {
    const floor = baselines[row.scenario];
    return floor === undefined ? undefined : figures[floor]?.[rowKey(row)];
  }
  return figures[system]?.[`${row.scenario}.${row.baseline.alongside}`];
}

/**
 * Each system's figures: for a sliced scenario, every figure of its best slice over all rounds
 * (the throughput the system reaches when the shared machine leaves it alone), or for a row
 * marked `ownBest` the best slice in its own metric; for idle memory, which load elsewhere
 * hardly moves, the median over rounds. Ratios divide by each row's baseline (see Row).
 */
export function aggregate(
  systems: readonly string[],
  scenarios: readonly ScenarioId[],
  roundsOut: Results['rounds'],
  bundles: Results['bundles'],
  settings: RunSettings,
): Pick<Results, 'figures' | 'baselines' | 'ratios' | 'errors'> {
  const figures: Results['figures'] = {};
  const errors: Results['errors'] = {};
  for (const system of systems) {
    const mine: Record<string, number | null> = {};
    const seen = new Set<string>();
    const slicesOf = (scenario: ScenarioId) =>
      roundsOut.flatMap((round) => {
        const outcome = round[system]?.[scenario];
        if (outcome && 'error' in outcome) seen.add(`${scenario}: ${outcome.error}`);
        return outcome && 'slices' in outcome ? outcome.slices : [];
      });
    for (const scenario of new Set(rows.map((r) => r.scenario))) {
      if (scenario === 'bundle') {
        const size = bundles[system];
        mine['bundle.gzipBytes'] = size ? size.gzipBytes / 1024 : null;
        continue;
      }
      const slices = slicesOf(scenario);
      const idle = idleSize(scenario, settings) !== undefined;
      const best = idle ? undefined : bestSlice(primaryRowOf(scenario)!, slices);
      for (const row of rows.filter((r) => r.scenario === scenario)) {
        const value = idle
          ? median(slices.map((m) => m[row.metric] ?? Number.NaN))
          : (row.ownBest ? bestSlice(row, slices) : best)?.[row.metric];
        mine[rowKey(row)] = value !== undefined && Number.isFinite(value) ? value : null;
      }
    }
    figures[system] = mine;
    errors[system] = [...seen];
  }
  const baselines = pickBaselines(figures, scenarios);
  const ratios: Results['ratios'] = {};
  for (const system of systems) {
    const mine: Record<string, number | null> = {};
    for (const row of rows) {
      const key = rowKey(row);
      const value = figures[system]?.[key];
      const base = against(row, system, figures, baselines);
      mine[key] = value != null && base != null && base !== 0 ? value / base : null;
    }
    ratios[system] = mine;
  }
  return { figures, baselines, ratios, errors };
}

export const formatRatio = (ratio: number | null | undefined): string =>
  ratio == null ? 'n/a' : `${ratio.toFixed(2)}x`;
