import { describe, expect, it } from 'vitest';
import { pickProvider } from './pick.js';
import type { Provider } from './provider.js';

const provider = (nodeId: string, load = 0): Provider => ({
  service: 's',
  nodeId,
  url: `ws://${nodeId}`,
  methods: [],
  load,
});

describe('pickProvider', () => {
  it('rotates among equally loaded providers, whatever order they are listed in', () => {
    const listed = [provider('b'), provider('c'), provider('a')];
    const picks = [0, 1, 2, 3, 4, 5].map(
      (turn) => pickProvider(turn % 2 ? [...listed].reverse() : listed, turn)?.nodeId,
    );
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('prefers the least loaded', () => {
    const listed = [provider('a', 5), provider('b', 1), provider('c', 3)];
    expect([0, 1, 2].map((turn) => pickProvider(listed, turn)?.nodeId)).toEqual(['b', 'b', 'b']);
  });

  it('has nothing to pick from an empty list', () => {
    expect(pickProvider([], 0)).toBeUndefined();
  });
});
