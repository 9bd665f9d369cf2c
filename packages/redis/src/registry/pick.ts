import type { Provider } from './provider.js';

/**
 * Chooses among live providers: the least loaded, and among equally loaded ones, the next in
 * turn (`turn` grows by one per pick), so that providers reporting no load take calls in
 * rotation. Undefined when there is none.
 */
export function pickProvider(providers: readonly Provider[], turn: number): Provider | undefined {
  if (providers.length === 0) return undefined;
  const least = Math.min(...providers.map((p) => p.load));
  // Sorted by node id, so every router walks the tied providers in the same order.
  const tied = providers
    .filter((p) => p.load === least)
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  return tied[turn % tied.length];
}
