import { rows, type Row, type RunSettings, type ScenarioId } from '../scenarios/catalog.js';
import { median } from '../scenarios/stats.js';
import type { BundleSize } from '../bundle.js';
import type { Outcome } from '../process/coordinator.js';
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
  rounds: Array<Record<string, Partial<Record<ScenarioId, Outcome>>>>;
  bundles: Record<string, BundleSize | null>;
  /** Median over rounds, per system, per row key; null where none was measured. */
  figures: Record<string, Record<string, number | null>>;
  /** `figures` divided by the baseline's, per system, per row key. */
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

/** Medians over rounds, ratios to the baseline, and every error seen, per system. */
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
    for (const row of rows) {
      if (row.scenario === 'bundle') {
        const size = bundles[system];
        mine[rowKey(row)] = size ? size.gzipBytes / 1024 : null;
        continue;
      }
      const values: number[] = [];
      for (const round of roundsOut) {
        const outcome = round[system]?.[row.scenario];
        if (!outcome) continue;
        if ('metrics' in outcome) {
          const value = outcome.metrics[row.metric];
          if (value !== undefined) values.push(value);
        } else {
          seen.add(`${row.scenario}: ${outcome.error}`);
        }
      }
      const m = median(values);
      mine[rowKey(row)] = Number.isFinite(m) ? m : null;
    }
    figures[system] = mine;
    errors[system] = [...seen];
  }
  // A ratio is the median of per-round ratios: each round's pair was measured minutes apart at
  // most, so drift in the machine's load (other work on a shared machine) cancels out.
  const ratios: Results['ratios'] = {};
  for (const system of systems) {
    const mine: Record<string, number | null> = {};
    for (const row of rows) {
      const key = rowKey(row);
      let ratio: number;
      if (row.scenario === 'bundle') {
        ratio = Number.NaN;
      } else {
        const perRound: number[] = [];
        for (const round of roundsOut) {
          const value = metricOf(round[system]?.[row.scenario], row.metric);
          const against = metricOf(round[BASELINE]?.[row.scenario], row.metric);
          if (value !== undefined && against !== undefined && against !== 0) perRound.push(value / against);
        }
        ratio = median(perRound);
      }
      mine[key] = Number.isFinite(ratio) ? ratio : null;
    }
    ratios[system] = mine;
  }
  return { figures, ratios, errors };
}

function metricOf(outcome: Outcome | undefined, metric: string): number | undefined {
  return outcome && 'metrics' in outcome ? outcome.metrics[metric] : undefined;
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
      // Compared through the ratios, which are paired within rounds, rather than raw figures.
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
