import type { RunSettings } from './catalog.js';
import type { ServerControl } from './control.js';
import type { Session } from './session.js';

/**
 * The broker's publish rate, measured in the server process (no client involved): each slice
 * is a window of publishes awaited one at a time, then one with `publishDepth` in flight,
 * each after a short warm-up at its depth.
 */
export function openPublishRate(server: ServerControl, settings: RunSettings): Session {
  const window = (depth: number) =>
    server.publishRate({ depth, warmMs: settings.sliceWarmMs, ms: settings.sliceMs, max: settings.maxCalls });
  return {
    async slice() {
      const oneAtATime = await window(1);
      const inFlight = await window(settings.publishDepth);
      return { oneAtATime, inFlight };
    },
    close: () => undefined,
  };
}
