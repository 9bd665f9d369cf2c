import {
  idleSize,
  onRedisCluster,
  redisNodesOf,
  runs,
  type RunSettings,
  type ScenarioId,
} from '../scenarios/catalog.js';
import type { SystemEntry } from '../systems/types.js';
import { failure, SystemUnderTest, type ChildOptions, type Outcome } from './coordinator.js';
import { startRedis } from './redis.js';

/** One round's outcomes, by system, by scenario. */
export type RoundOutcomes = Record<string, Partial<Record<ScenarioId, Outcome>>>;

/** `items` rotated left by `shift`, so that no system always goes first. */
const rotate = <T>(items: readonly T[], shift: number): T[] => items.map((_, i) => items[(i + shift) % items.length]!);

/** Stores one system's outcome of one scenario. */
type Recorder = (sut: SystemUnderTest, scenario: ScenarioId, outcome: Outcome) => void;

/**
 * One round: fresh processes for every system, then each scenario on every system. Idle memory
 * runs first, on servers no load has touched. A call or fan-out scenario is prepared on every
 * system, then measured in slices that visit the systems in turn, then finished. A scenario
 * across several server processes gets processes of its own, sharing a fresh redis-server (or
 * Redis Cluster), stopped once it is measured.
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
  const singleNode = scenarios.filter((s) => redisNodesOf(s) === undefined);
  for (const system of systems) {
    out[system.name] = {};
    if (singleNode.length === 0) continue;
    try {
      running.push(await SystemUnderTest.start(system, options, round));
    } catch (error) {
      for (const scenario of singleNode) out[system.name]![scenario] = failure(error);
    }
  }
  const record: Recorder = (sut, scenario, outcome) => {
    out[sut.system.name]![scenario] = outcome;
  };
  try {
    for (const [index, scenario] of scenarios.entries()) {
      const shift = round + index;
      if (redisNodesOf(scenario) !== undefined)
        await measureOnRedis(systems, scenario, settings, options, round, shift, out, record);
      else await measure(running, scenario, settings, shift, out, record);
      report(scenario, out);
    }
  } finally {
    for (const sut of running) await sut.stop();
  }
  return out;
}

async function measure(
  running: readonly SystemUnderTest[],
  scenario: ScenarioId,
  settings: RunSettings,
  shift: number,
  out: RoundOutcomes,
  record: Recorder,
): Promise<void> {
  const order = rotate(running, shift).filter((sut) => runs(sut.system.name, scenario, sut.system.scenarios));
  if (idleSize(scenario, settings) !== undefined) {
    for (const sut of order) {
      await sut.request('idle', scenario, settings).then(
        (metrics) => record(sut, scenario, { slices: metrics ? [metrics] : [] }),
        (error: unknown) => record(sut, scenario, failure(error)),
      );
    }
    return;
  }
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

/** Runs `scenario` on fresh multi-node processes of each system that runs it, over one fresh Redis (or Redis Cluster). */
async function measureOnRedis(
  systems: readonly SystemEntry[],
  scenario: ScenarioId,
  settings: RunSettings,
  options: ChildOptions,
  round: number,
  shift: number,
  out: RoundOutcomes,
  record: Recorder,
): Promise<void> {
  const taking = systems.filter((s) => runs(s.name, scenario, s.scenarios));
  if (taking.length === 0) return;
  const fail = (outcome: Outcome) => {
    for (const system of taking) out[system.name]![scenario] = outcome;
  };
  let redis: Awaited<ReturnType<typeof startRedis>>;
  try {
    redis = await startRedis(onRedisCluster(scenario));
  } catch (error) {
    fail(failure(error));
    return;
  }
  if ('skipped' in redis) {
    fail({ error: redis.skipped });
    return;
  }
  const running: SystemUnderTest[] = [];
  try {
    for (const system of taking) {
      try {
        running.push(
          await SystemUnderTest.start(system, options, round, {
            url: redis.url,
            cluster: redis.cluster,
            nodes: redisNodesOf(scenario) ?? 1,
          }),
        );
      } catch (error) {
        out[system.name]![scenario] = failure(error);
      }
    }
    await measure(running, scenario, settings, shift, out, record);
  } finally {
    for (const sut of running) await sut.stop();
    await redis.stop();
  }
}
