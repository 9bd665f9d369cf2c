import { rows, type Metrics, type Row, type RunSettings, type ScenarioId } from '../scenarios/catalog.js';
import { median } from '../scenarios/stats.js';
import type { BundleSize } from '../bundle.js';
import type { RoundOutcomes } from '../process/round.js';
import type { Machine } from './machine.js';

/** A row's key in figures and ratios: `scenario.metric`. */
export const rowKey = (row: Row): string => `${row.scenario}.${row.metric}`;

/** The system every ratio is taken against. */
export const BASELINE = 'raw-ws';

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
  /** `figures` divided by raw ws's, per system, per row key. */
  ratios: Record<string, Record<string, number | null>>;
  errors: Record<string, string[]>;
  targets: TargetCheck[];
}

/** One of Tether's targets and whether this run met it. */
export interface TargetCheck {
  label: string;
  met: boolean;
  detail: string;
}

/** The row a scenario is ranked by: its first in the table (calls/s, events/s, heap per connection). */
export function primaryRow(scenario: ScenarioId): Row | undefined {
  return rows.find((r) => r.scenario === scenario);
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

/**
 * Each system's figures: for a sliced scenario, every figure of its best slice over all rounds
 * (the throughput the system reaches when the shared machine leaves it alone); for idle memory,
 * which load elsewhere hardly moves, the median over rounds. Ratios divide by raw ws's figures.
 */
export function aggregate(
  systems: readonly string[],
  roundsOut: Results['rounds'],
  bundles: Results['bundles'],
): Pick<Results, 'figures' | 'ratios' | 'errors'> {
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
      const primary = primaryRow(scenario)!;
      const best = scenario === 'idle' ? undefined : bestSlice(primary, slices);
      for (const row of rows.filter((r) => r.scenario === scenario)) {
        const value = scenario === 'idle' ? median(slices.map((m) => m[row.metric] ?? Number.NaN)) : best?.[row.metric];
        mine[rowKey(row)] = value !== undefined && Number.isFinite(value) ? value : null;
      }
    }
    figures[system] = mine;
    errors[system] = [...seen];
  }
  const ratios: Results['ratios'] = {};
  const base = figures[BASELINE] ?? {};
  for (const system of systems) {
    const mine: Record<string, number | null> = {};
    for (const row of rows) {
      const key = rowKey(row);
      const value = figures[system]?.[key];
      const against = base[key];
      mine[key] = value != null && against != null && against !== 0 ? value / against : null;
    }
    ratios[system] = mine;
  }
  return { figures, ratios, errors };
}

/**
 * Tether's targets, each from this run only: at least 0.95x raw ws and ahead of every peer on
 * every call scenario and on fan-out; idle memory per connection at most 1.15x raw ws.
 */
export function checkTargets(systems: readonly string[], scenarios: readonly ScenarioId[], ratios: Results['ratios']): TargetCheck[] {
  const tether = 'tether';
  if (!systems.includes(tether) || !systems.includes(BASELINE)) return [];
  const peers = systems.filter((s) => s !== tether && s !== BASELINE);
  const checks: TargetCheck[] = [];
  for (const row of rows) {
    const key = rowKey(row);
    const ratio = ratios[tether]?.[key] ?? null;
    if (!scenarios.includes(row.scenario as ScenarioId)) continue;
    if (row.target) {
      const ahead = peers.filter((p) => {
        const theirs = ratios[p]?.[key];
        return theirs == null || (ratio != null && ratio > theirs);
      });
      const behind = peers.filter((p) => !ahead.includes(p));
      const met = ratio != null && ratio >= 0.95 && behind.length === 0;
      const detail = `${formatRatio(ratio)} of raw ws${behind.length ? `; behind ${behind.join(', ')}` : '; ahead of every peer'}`;
      checks.push({ label: row.label, met, detail });
    } else if (row.scenario === 'idle') {
      checks.push({ label: row.label, met: ratio != null && ratio <= 1.15, detail: `${formatRatio(ratio)} of raw ws (target <= 1.15x)` });
    }
  }
  return checks;
}

export const formatRatio = (ratio: number | null | undefined): string => (ratio == null ? 'n/a' : `${ratio.toFixed(2)}x`);
