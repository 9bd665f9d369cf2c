import {
  alongsideMetric,
  alongsideOf,
  idleSize,
  onRedisCluster,
  redisNodesOf,
  isCompressed,
  runs,
  type Alongside,
  type Metrics,
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

/** A scenario's reference (see Alongside), and the processes it runs on for each system's processes. */
interface Reference {
  spec: Alongside;
  on: ReadonlyMap<SystemUnderTest, SystemUnderTest>;
}

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
  const singleNode = scenarios.filter((s) => redisNodesOf(s) === undefined && !isCompressed(s));
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
        await measureOnRedis(systems, running, scenario, settings, options, round, shift, out, record);
      else if (isCompressed(scenario))
        await measureCompressed(systems, scenario, settings, options, round, shift, out, record);
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
  reference?: Reference,
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
  /** Every session prepared, ready or not: each is finished at the end. */
  const prepared: Array<[SystemUnderTest, ScenarioId]> = [];
  for (const sut of order) {
    try {
      await sut.request('prepare', scenario, settings);
      prepared.push([sut, scenario]);
      if (reference) {
        const on = reference.on.get(sut);
        if (!on) throw new Error(`skipped: no processes for its reference, ${reference.spec.scenario}`);
        // Warmed up as long as the scenario is, so that neither side's first slice measures the JIT.
        await on.request('prepare', reference.spec.scenario, { ...settings, fanoutWarmEvents: settings.fanoutEvents });
        prepared.push([on, reference.spec.scenario]);
      }
      ready.push(sut);
      record(sut, scenario, { slices: [] });
    } catch (error) {
      record(sut, scenario, failure(error));
    }
  }
  for (let slice = 0; slice < settings.slices; slice++) {
    for (const sut of rotate(ready, slice)) {
      const outcome = out[sut.system.name]![scenario];
      if (!outcome || 'error' in outcome) continue;
      await measureSlice(sut, scenario, settings, slice, reference).then(
        (metrics) => metrics && outcome.slices.push(metrics),
        (error: unknown) => record(sut, scenario, failure(error)),
      );
    }
  }
  for (const [sut, which] of prepared) await sut.request('finish', which, settings).catch(() => undefined);
}

/**
 * One slice of `scenario`; with a reference, one of the reference right before or after it
 * (alternately, so that neither always runs in the other's wake), its figures added under the
 * reference's prefix.
 */
async function measureSlice(
  sut: SystemUnderTest,
  scenario: ScenarioId,
  settings: RunSettings,
  slice: number,
  reference: Reference | undefined,
): Promise<Metrics | null> {
  const on = reference?.on.get(sut);
  if (!reference || !on) return sut.request('slice', scenario, settings);
  const own = () => sut.request('slice', scenario, settings);
  // Profiled under this scenario: its summary then shows both sides of the ratio, per delivered event.
  const theirs = () => on.request('slice', reference.spec.scenario, settings, scenario);
  let mine: Metrics | null;
  let paired: Metrics | null;
  if (slice % 2 === 0) {
    mine = await own();
    paired = await theirs();
  } else {
    paired = await theirs();
    mine = await own();
  }
  if (!mine || !paired) return null;
  const joined: Metrics = { ...mine };
  for (const [metric, value] of Object.entries(paired)) joined[alongsideMetric(reference.spec.prefix, metric)] = value;
  return joined;
}

/** Runs `scenario` on fresh processes of each system that runs it, their servers compressing. */
async function measureCompressed(
  systems: readonly SystemEntry[],
  scenario: ScenarioId,
  settings: RunSettings,
  options: ChildOptions,
  round: number,
  shift: number,
  out: RoundOutcomes,
  record: Recorder,
): Promise<void> {
  const running: SystemUnderTest[] = [];
  try {
    for (const system of systems.filter((s) => runs(s.name, scenario, s.scenarios))) {
      try {
        running.push(await SystemUnderTest.start(system, options, round, undefined, true));
      } catch (error) {
        out[system.name]![scenario] = failure(error);
      }
    }
    await measure(running, scenario, settings, shift, out, record);
  } finally {
    for (const sut of running) await sut.stop();
  }
}

/**
 * Runs `scenario` on fresh multi-node processes of each system that runs it, over one fresh
 * Redis (or Redis Cluster). Its reference, if it has one (see Alongside), runs on the round's
 * single-node processes of the same system, or on processes started for it when the round has none.
 */
async function measureOnRedis(
  systems: readonly SystemEntry[],
  singleNode: readonly SystemUnderTest[],
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
  const startedForReference: SystemUnderTest[] = [];
  const spec = alongsideOf(scenario);
  const referenceOn = new Map<SystemUnderTest, SystemUnderTest>();
  try {
    for (const system of taking) {
      try {
        const sut = await SystemUnderTest.start(system, options, round, {
          url: redis.url,
          cluster: redis.cluster,
          nodes: redisNodesOf(scenario) ?? 1,
        });
        running.push(sut);
        if (!spec) continue;
        let on = singleNode.find((s) => s.system === system);
        if (!on) {
          on = await SystemUnderTest.start(system, options, round);
          startedForReference.push(on);
        }
        referenceOn.set(sut, on);
      } catch (error) {
        out[system.name]![scenario] = failure(error);
      }
    }
    // A system whose reference processes did not start has its failure recorded already.
    const measurable = spec ? running.filter((sut) => referenceOn.has(sut)) : running;
    await measure(measurable, scenario, settings, shift, out, record, spec && { spec, on: referenceOn });
  } finally {
    for (const sut of [...running, ...startedForReference]) await sut.stop();
    await redis.stop();
  }
}
