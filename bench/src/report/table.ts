import { rows, runs, type Row } from '../scenarios/catalog.js';
import { BASELINE, formatRatio, rowKey, type Results } from './results.js';

/** A figure in its row's unit, short enough for a table cell. */
export function formatValue(row: Row, value: number): string {
  switch (row.unit) {
    case 'calls/s':
    case 'events/s':
      return value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : value >= 1e3 ? `${(value / 1e3).toFixed(1)}k` : value.toFixed(0);
    case 'µs':
    case 'ms':
      return `${value.toFixed(value < 1 ? 2 : value < 10 ? 1 : 0)} ${row.unit}`;
    case 'MB/s':
      return `${value.toFixed(1)} MB/s`;
    case 'KB':
      return `${value.toFixed(value < 10 ? 2 : 1)} KB`;
    default:
      return value.toPrecision(3);
  }
}

function cell(results: Results, system: string, row: Row): string {
  const key = rowKey(row);
  const value = results.figures[system]?.[key];
  if (value == null) {
    if (row.scenario === 'bundle') return system === BASELINE ? 'native WebSocket' : 'n/a';
    if (!runs(system, row.scenario)) return 'n/a';
    if (!results.scenarios.includes(row.scenario)) return '—';
    return results.errors[system]?.some((e) => e.startsWith(`${row.scenario}: skipped`)) ? 'skipped' : 'failed';
  }
  const ratio = results.ratios[system]?.[key];
  return ratio == null ? formatValue(row, value) : `${formatValue(row, value)} (${formatRatio(ratio)})`;
}

/**
 * The results as a Markdown table: systems as columns, rows as scenarios, each cell the
 * figure and its ratio to raw ws. Readable as is in a terminal and rendered in the README.
 */
export function formatTable(results: Results): string {
  const header = ['scenario', ...results.systems];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) {
    const label = `${row.label} (${row.unit}, ${row.better} is better)`;
    lines.push(`| ${[label, ...results.systems.map((s) => cell(results, s, row))].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Tether's targets, one line each. */
export function formatTargets(results: Results): string {
  return results.targets.map((t) => `- ${t.met ? 'met' : 'MISSED'}: ${t.label}: ${t.detail}`).join('\n');
}

/** Errors per system, if any, one line each. */
export function formatErrors(results: Results): string {
  const lines: string[] = [];
  for (const [system, errors] of Object.entries(results.errors)) for (const e of errors) lines.push(`- ${system}: ${e}`);
  return lines.join('\n');
}
