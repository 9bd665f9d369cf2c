import { rowLabel, rows, runs, withSizes, type Row, type ScenarioId } from '../scenarios/catalog.js';
import { roleOf, systems as known } from '../systems/index.js';
import { formatRatio, rowKey, type Results } from './results.js';

/** A figure in its row's unit, short enough for a table cell. */
export function formatValue(row: Row, value: number): string {
  switch (row.unit) {
    case 'calls/s':
    case 'events/s':
    case 'publishes/s':
      return value >= 1e6
        ? `${(value / 1e6).toFixed(2)}M`
        : value >= 1e3
          ? `${(value / 1e3).toFixed(1)}k`
          : value.toFixed(0);
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

const scenariosOf = (system: string) => known.find((s) => s.name === system)?.scenarios;

function cell(results: Results, system: string, row: Row): string {
  const key = rowKey(row);
  const value = results.figures[system]?.[key];
  if (value == null) {
    if (row.scenario === 'bundle') return roleOf(system) === 'library' ? 'n/a' : 'native WebSocket';
    if (!runs(system, row.scenario, scenariosOf(system))) return 'n/a';
    if (!results.scenarios.includes(row.scenario)) return '—';
    return results.errors[system]?.some((e) => e.startsWith(`${row.scenario}: skipped`)) ? 'skipped' : 'failed';
  }
  const ratio = results.ratios[system]?.[key];
  return ratio == null ? formatValue(row, value) : `${formatValue(row, value)} (${formatRatio(ratio)})`;
}

/** What `row`'s ratios are against, for the table's baseline column. */
function baselineCell(results: Results, row: Row): string {
  if (row.baseline === 'none' || row.scenario === 'bundle') return '—';
  if (row.baseline === 'floor') return results.baselines?.[row.scenario] ?? '—';
  return row.baseline.note;
}

/**
 * The results as a Markdown table: systems as columns, rows as scenarios, each cell the
 * figure and its ratio to the row's baseline (named in the second column: for most rows the
 * better floor in this run). Readable as is in a terminal and rendered in the README.
 */
export function formatTable(results: Results): string {
  const header = ['scenario', 'ratio to', ...results.systems];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : i === 1 ? ':---' : '---:')).join('|')}|`,
  ];
  for (const row of rows) {
    const label = `${rowLabel(row, results.settings)} (${row.unit}, ${row.better} is better)`;
    lines.push(
      `| ${[label, baselineCell(results, row), ...results.systems.map((s) => cell(results, s, row))].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** How one figure grows from a smaller scenario to a larger one, per system. */
interface Growth {
  title: string;
  small: ScenarioId;
  large: ScenarioId;
  metric: string;
  /** Column heads naming each scenario's size, with `{setting}` placeholders. */
  sizes: [string, string];
}

const growths: readonly Growth[] = [
  {
    title: 'server CPU per delivered event',
    small: 'fanout',
    large: 'fanout-large',
    metric: 'serverCpuUs',
    sizes: ['{fanoutClients} subscribers', '{fanoutClientsLarge} subscribers'],
  },
  {
    title: 'server heap per idle connection',
    small: 'idle',
    large: 'idle-large',
    metric: 'heapPerConn',
    sizes: ['{idleConnections} conns', '{idleConnectionsLarge} conns'],
  },
];

/**
 * How cost grows with the work, per system: server CPU per delivered event from the smaller
 * fan-out to the larger, heap per connection from the smaller idle scenario to the larger.
 * Empty when the run measured neither pair.
 */
export function formatGrowth(results: Results): string {
  const measured = growths.filter((g) => results.scenarios.includes(g.small) && results.scenarios.includes(g.large));
  if (measured.length === 0) return '';
  const rowFor = (scenario: ScenarioId, metric: string) =>
    rows.find((r) => r.scenario === scenario && r.metric === metric)!;
  const header = ['system'];
  for (const g of measured) {
    header.push(
      `${g.title}: ${withSizes(g.sizes[0], results.settings)}`,
      withSizes(g.sizes[1], results.settings),
      'growth',
    );
  }
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const system of results.systems) {
    const cells = [system];
    let any = false;
    for (const g of measured) {
      const small = rowFor(g.small, g.metric);
      const a = results.figures[system]?.[rowKey(small)];
      const b = results.figures[system]?.[rowKey(rowFor(g.large, g.metric))];
      any ||= a != null || b != null;
      cells.push(
        a == null ? 'n/a' : formatValue(small, a),
        b == null ? 'n/a' : formatValue(small, b),
        a && b ? formatRatio(b / a) : 'n/a',
      );
    }
    if (any) lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Tether's targets, one line each. */
export function formatTargets(results: Results): string {
  const word = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : 'MISSED');
  const spread = (t: Results['targets'][number]) =>
    t.perRound ? `; per round ${t.perRound.map(formatRatio).join(', ')}` : '';
  return results.targets.map((t) => `- ${word(t.met)}: ${t.label}: ${t.detail}${spread(t)}`).join('\n');
}

/** Errors per system, if any, one line each. */
export function formatErrors(results: Results): string {
  const lines: string[] = [];
  for (const [system, errors] of Object.entries(results.errors))
    for (const e of errors) lines.push(`- ${system}: ${e}`);
  return lines.join('\n');
}
