import { describe, expect, it } from 'vitest';
import { fullSettings, type Metrics } from '../scenarios/catalog.js';
import type { RoundOutcomes } from '../process/round.js';
import { aggregate } from './results.js';

const systems = ['raw-ws', 'raw-ws-cork', 'raw-ws-frame-once', 'tether'];

/** One round in which each system measured `scenario` with the given slices. */
function round(bySystem: Record<string, Partial<Record<string, Metrics[]>>>): RoundOutcomes {
  const out: RoundOutcomes = {};
  for (const [system, scenarios] of Object.entries(bySystem)) {
    out[system] = {};
    for (const [scenario, slices] of Object.entries(scenarios))
      out[system]![scenario as 'fanout'] = { slices: slices! };
  }
  return out;
}

describe('aggregate', () => {
  it('takes each scenario against the floor better in its first row, never the reference floor', () => {
    const { baselines, ratios } = aggregate(
      systems,
      ['inflight', 'fanout', 'idle'],
      [
        round({
          'raw-ws': {
            inflight: [{ callsPerSec: 100, serverCpuUs: 8 }],
            fanout: [{ eventsPerSec: 200, serverCpuUs: 4 }],
            idle: [{ heapPerConn: 3 }],
          },
          'raw-ws-cork': {
            inflight: [{ callsPerSec: 180, serverCpuUs: 2 }],
            fanout: [{ eventsPerSec: 190, serverCpuUs: 5 }],
            idle: [{ heapPerConn: 2.5 }],
          },
          'raw-ws-frame-once': { fanout: [{ eventsPerSec: 400, serverCpuUs: 2 }] },
          tether: {
            inflight: [{ callsPerSec: 198, serverCpuUs: 3 }],
            fanout: [{ eventsPerSec: 240, serverCpuUs: 2 }],
            idle: [{ heapPerConn: 5 }],
          },
        }),
      ],
      {},
      fullSettings,
    );
    expect(baselines).toEqual({ inflight: 'raw-ws-cork', fanout: 'raw-ws', idle: 'raw-ws-cork' });
    expect(ratios.tether!['inflight.callsPerSec']).toBeCloseTo(1.1);
    // Every row of a scenario is against the same floor, even where the other floor is better in it.
    expect(ratios.tether!['fanout.serverCpuUs']).toBeCloseTo(0.5);
    expect(ratios.tether!['idle.heapPerConn']).toBeCloseTo(2);
    expect(ratios['raw-ws-frame-once']!['fanout.eventsPerSec']).toBeCloseTo(2);
  });

  it('puts two Redis nodes against the same system on one node measured alongside, and gives publish rates no ratio', () => {
    const { ratios, figures } = aggregate(
      systems,
      ['fanout', 'fanout-redis', 'publish-redis'],
      [
        round({
          'raw-ws': { fanout: [{ eventsPerSec: 100 }] },
          'raw-ws-cork': { fanout: [{ eventsPerSec: 100 }] },
          tether: {
            // The round's own one-node figure is not the reference: the one measured alongside is.
            fanout: [{ eventsPerSec: 30 }],
            'fanout-redis': [
              { eventsPerSec: 80, oneNodeEventsPerSec: 50, serverCpuUs: 4, oneNodeServerCpuUs: 5 },
              { eventsPerSec: 90, oneNodeEventsPerSec: 45, serverCpuUs: 3, oneNodeServerCpuUs: 6 },
            ],
            'publish-redis': [
              { oneAtATime: 10, inFlight: 500 },
              { oneAtATime: 20, inFlight: 300 },
            ],
          },
        }),
      ],
      {},
      fullSettings,
    );
    // Each side's best slice: 90 against 50, 3 µs against 5 µs.
    expect(ratios.tether!['fanout-redis.eventsPerSec']).toBeCloseTo(1.8);
    expect(ratios.tether!['fanout-redis.serverCpuUs']).toBeCloseTo(0.6);
    expect(figures.tether!['fanout-redis.oneNodeEventsPerSec']).toBe(50);
    // Each publish row is its own best slice.
    expect(figures.tether!['publish-redis.oneAtATime']).toBe(20);
    expect(figures.tether!['publish-redis.inFlight']).toBe(500);
    expect(ratios.tether!['publish-redis.inFlight']).toBeNull();
  });
});
