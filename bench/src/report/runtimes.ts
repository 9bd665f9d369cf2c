import { rowLabel, rows } from '../scenarios/catalog.js';
import { formatRatio, rowKey, type Results } from './results.js';
import { formatValue } from './table.js';

/** Pairs of one library on two runtimes: the second's server under another runtime, the same client on Node. */
const pairs: ReadonlyArray<{ system: string; on: string; versus: string; label: string }> = [
  { system: 'tether-bun', on: 'Bun', versus: 'tether', label: 'Tether on Bun ÷ Tether on Node' },
];

/**
 * Each runtime pair measured in this run, row by row: both figures and their ratio (above 1
 * means more of the row's unit on the second runtime; read it with the row's "better" side).
 * Empty when the run measured no pair.
 */
export function formatRuntimes(results: Results): string {
  const lines: string[] = [];
  for (const pair of pairs) {
    if (!results.systems.includes(pair.system) || !results.systems.includes(pair.versus)) continue;
    lines.push(`| ${pair.label} | ${pair.versus} | ${pair.system} | ratio |`, '|---|---:|---:|---:|');
    for (const row of rows) {
      const a = results.figures[pair.versus]?.[rowKey(row)];
      const b = results.figures[pair.system]?.[rowKey(row)];
      if (a == null || b == null) continue;
      const label = `${rowLabel(row, results.settings)} (${row.unit}, ${row.better} is better)`;
      lines.push(
        `| ${label} | ${formatValue(row, a)} | ${formatValue(row, b)} | ${a === 0 ? 'n/a' : formatRatio(b / a)} |`,
      );
    }
  }
  return lines.join('\n');
}
