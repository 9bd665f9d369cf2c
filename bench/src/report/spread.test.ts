import { describe, expect, it } from 'vitest';
import type { Results } from './results.js';
import { formatSpread } from './spread.js';

const runOn = (date: string, ratio: number, met: boolean) =>
  ({ date, targets: [{ label: 'fan-out ≥ 1.20x', met, detail: '', ratio }] }) as unknown as Results;

describe('formatSpread', () => {
  it('lists each target with the runs that met it, every ratio and their range', () => {
    const table = formatSpread([
      runOn('2026-12-01T10:00:00Z', 1.25, true),
      runOn('2026-12-01T11:00:00Z', 1.1, false),
      runOn('2026-12-01T12:00:00Z', 1.3, true),
    ]);
    expect(table.split('\n')[2]).toBe('| fan-out ≥ 1.20x | 2/3 | 1.25x | 1.10x | 1.30x | 1.10x–1.30x |');
  });
});
