import { describe, expect, it } from 'vitest';
import { fullSettings, type ScenarioId } from '../scenarios/catalog.js';
import { aggregate, type Results } from './results.js';
import { checkTargets, checkTargetsWithSpread } from './targets.js';

const systems = ['raw-ws', 'raw-ws-cork', 'tether', 'json-rpc-2.0'];

function run(
  scenarios: ScenarioId[],
  slices: Record<string, Record<string, Record<string, number>>>,
  bundles: Results['bundles'] = {},
): Omit<Results, 'targets'> {
  const round: Results['rounds'][number] = {};
  for (const [system, byScenario] of Object.entries(slices)) {
    round[system] = {};
    for (const [scenario, metrics] of Object.entries(byScenario))
      round[system]![scenario as ScenarioId] = { slices: [metrics] };
  }
  return {
    date: '2026-12-01T00:00:00.000Z',
    mode: 'full',
    machine: { nproc: 2, cpu: 'test', node: 'v20', platform: 'linux-x64' },
    load: { start: 0, end: 0 },
    versions: {},
    settings: fullSettings,
    systems,
    scenarios,
    rounds: [round],
    bundles,
    ...aggregate(systems, scenarios, [round], bundles, fullSettings),
  };
}

describe('checkTargets', () => {
  it('meets the fan-out targets only at 1.2x the events and 0.7x the server CPU of the better floor', () => {
    const checks = checkTargets(
      run(['fanout'], {
        'raw-ws': { fanout: { eventsPerSec: 100, serverCpuUs: 10 } },
        'raw-ws-cork': { fanout: { eventsPerSec: 110, serverCpuUs: 9 } },
        tether: { fanout: { eventsPerSec: 133, serverCpuUs: 6.5 } },
      }),
    ).filter((c) => c.label.startsWith('fan-out'));
    expect(checks.map((c) => c.met)).toEqual([true, false]);
    expect(checks[0]!.detail).toContain('1.21x of raw-ws-cork');
    expect(checks[1]!.detail).toContain('0.72x of raw-ws-cork');
  });

  it('misses a call target when a peer is ahead, even above the floor', () => {
    const [check] = checkTargets(
      run(['inflight'], {
        'raw-ws': { inflight: { callsPerSec: 100 } },
        'raw-ws-cork': { inflight: { callsPerSec: 150 } },
        tether: { inflight: { callsPerSec: 160 } },
        'json-rpc-2.0': { inflight: { callsPerSec: 170 } },
      }),
    );
    expect(check).toMatchObject({ met: false });
    expect(check!.detail).toContain('not ahead of json-rpc-2.0');
  });

  it('checks the bundle against 8 KB and every peer', () => {
    const checks = checkTargets(
      run(
        [],
        {},
        {
          tether: { minBytes: 1, gzipBytes: 7000, note: '' },
          'json-rpc-2.0': { minBytes: 1, gzipBytes: 4000, note: '' },
        },
      ),
    );
    expect(checks).toEqual([
      expect.objectContaining({ met: false, detail: '7,000 B; not under json-rpc-2.0 4,000 B' }),
    ]);
  });

  it('puts two Redis nodes against one node measured alongside, without the round needing its own fan-out', () => {
    const [check] = checkTargets(
      run(['fanout-redis'], {
        tether: { 'fanout-redis': { eventsPerSec: 330, oneNodeEventsPerSec: 200 } },
      }),
    );
    expect(check).toMatchObject({ met: true, ratio: 1.65 });
    expect(check!.detail).toBe('1.65x (330 vs 200 on one node alongside)');
  });

  it('gives each ratio target its ratio in each round alone', () => {
    const first = run(['fanout'], {
      'raw-ws': { fanout: { eventsPerSec: 100 } },
      'raw-ws-cork': { fanout: { eventsPerSec: 90 } },
      tether: { fanout: { eventsPerSec: 110 } },
    });
    const second = run(['fanout'], {
      'raw-ws': { fanout: { eventsPerSec: 80 } },
      'raw-ws-cork': { fanout: { eventsPerSec: 120 } },
      tether: { fanout: { eventsPerSec: 150 } },
    });
    const rounds = [...first.rounds, ...second.rounds];
    const whole = { ...first, rounds, ...aggregate(systems, ['fanout'], rounds, {}, fullSettings) };
    const [events] = checkTargetsWithSpread(whole, (round) =>
      aggregate(systems, ['fanout'], [round], {}, fullSettings),
    );
    // Over the run: Tether's best 150 against the better floor's best 120; per round, against that round's better floor.
    expect(events!.ratio).toBeCloseTo(1.25);
    expect(events!.perRound!.map((r) => r!.toFixed(2))).toEqual(['1.10', '1.25']);
  });
});
