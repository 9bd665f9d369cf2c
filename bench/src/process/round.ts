import type { RunSettings, ScenarioId } from '../scenarios/catalog.js';
import type { SystemEntry } from '../systems/types.js';
import { failure, SystemUnderTest, type ChildOptions, type Outcome } from './coordinator.js';

/** One round's outcomes, by system, by scenario. */
export type RoundOutcomes = Record<string, Partial<Record<ScenarioId, Outcome>>>;

/** `items` rotated left by `shift`, so that no system always goes first. */
const rotate = <T>(items: readonly T[], shift: number): T[] => items.map((_, i) => items[(i + shift) % items.length]!);

/**
 * One round: fresh processes for every system, then each scenario on every system. Idle memory
 * runs first, on servers no load has touched. A call or fan-out scenario is prepared on every
 * system, then measured in slices that visit the systems in turn, then finished.
 */
export async function runRound(
  systems: readonly SystemEntry[],
  scenarios: readonly ScenarioId[],
  settings: RunSettings,
  options: ChildOptions,
  round: number,
  report: (scenario: ScenarioId, out: RoundOutcomes) => void,
): Promise<RoundOutcomes> {
  const out: RoundOutcomes = {};
  const running: SystemUnderTest[] = [];
  for (const system of systems) {
    out[system.name] = {};
    try {
      running.push(await SystemUnderTest.start(system, options, round));
    } catch (error) {
      for (const scenario of scenarios) out[system.name]![scenario] = failure(error);
    }
  }
  const record = (sut: SystemUnderTest, scenario: ScenarioId, outcome: Outcome) => {
    out[sut.system.name]![scenario] = outcome;
  };
  try {
    for (const [index, scenario] of scenarios.entries()) {
      const order = rotate(running, round + index);
      if (scenario === 'idle') {
        for (const sut of order) {
          await sut.request('idle', scenario, settings).then(
            (metrics) => record(sut, scenario, { slices: metrics ? [metrics] : [] }),
            (error: unknown) => record(sut, scenario, failure(error)),
          );
        }
      } else {
        const ready: SystemUnderTest[] = [];
        for (const sut of order) {
          await sut.request('prepare', scenario, settings).then(
            () => {
              ready.push(sut);
              record(sut, scenario, { slices: [] });
            },
            (error: unknown) => record(sut, scenario, failure(error)),
          );
        }
        for (let slice = 0; slice < settings.slices; slice++) {
          for (const sut of rotate(ready, slice)) {
            const outcome = out[sut.system.name]![scenario];
            if (!outcome || 'error' in outcome) continue;
            await sut.request('slice', scenario, settings).then(
              (metrics) => metrics && outcome.slices.push(metrics),
              (error: unknown) => record(sut, scenario, failure(error)),
            );
          }
        }
        for (const sut of ready) await sut.request('finish', scenario, settings).catch(() => undefined);
      }
      report(scenario, out);
    }
  } finally {
    for (const sut of running) await sut.stop();
  }
  return out;
}
