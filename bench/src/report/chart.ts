import { rowLabel, rows, type Row } from '../scenarios/catalog.js';
import { roleOf } from '../systems/index.js';
import { rowKey, type Results } from './results.js';

const palette = ['#e4572e', '#4c78a8', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d'];
const LABEL_W = 330;
const PLOT_W = 520;
const BAR_H = 11;
const BAR_GAP = 3;
const GROUP_GAP = 14;
/** Ratios past this are drawn clipped, with their value written out. */
const MAX_AXIS = 4;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Panel {
  title: string;
  rows: Row[];
}

/**
 * The run as an SVG: each library's ratio to the better floor per scenario, as horizontal bars with a
 * line at 1.0. One panel where higher is better (throughput), one where lower is (latency,
 * time, memory). Written by hand so the bench depends on no chart library.
 */
export function renderChart(results: Results): string {
  const systems = results.systems.filter((s) => roleOf(s) === 'library');
  const color = (system: string) => palette[systems.indexOf(system) % palette.length] ?? '#888';
  const measured = (row: Row) =>
    row.baseline === 'floor' && systems.some((s) => results.ratios[s]?.[rowKey(row)] != null);
  const panels: Panel[] = [
    {
      title: 'Throughput relative to the better floor (higher is better)',
      rows: rows.filter((r) => r.better === 'higher' && r.unit !== 'MB/s'),
    },
    {
      title: 'Latency, time, CPU and memory relative to the better floor (lower is better)',
      rows: rows.filter((r) => r.better === 'lower' && r.scenario !== 'bundle'),
    },
  ]
    .map((panel) => ({ ...panel, rows: panel.rows.filter(measured) }))
    .filter((panel) => panel.rows.length > 0);
  const parts: string[] = [];
  let y = 20;
  parts.push(
    `<text x="10" y="${y}" class="h1">Tether benchmark, ${escape(results.date.slice(0, 10))} (${escape(results.mode)} run)</text>`,
  );
  y += 22;
  let x = 10;
  for (const system of systems) {
    parts.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${color(system)}"/>`);
    parts.push(`<text x="${x + 16}" y="${y}">${escape(system)}</text>`);
    x += 30 + system.length * 7;
  }
  y += 16;
  for (const panel of panels) {
    const ratios = panel.rows.flatMap((row) => systems.map((s) => results.ratios[s]?.[rowKey(row)] ?? 0));
    const axis = Math.min(MAX_AXIS, Math.max(1.2, ...ratios) * 1.08);
    const scale = (r: number) => (Math.min(r, axis) / axis) * PLOT_W;
    y += 18;
    parts.push(`<text x="10" y="${y}" class="h2">${escape(panel.title)}</text>`);
    y += 10;
    const top = y;
    for (const row of panel.rows) {
      const groupH = systems.length * (BAR_H + BAR_GAP);
      parts.push(`<text x="10" y="${y + groupH / 2 + 4}">${escape(rowLabel(row, results.settings))}</text>`);
      for (const system of systems) {
        const ratio = results.ratios[system]?.[rowKey(row)];
        if (ratio != null) {
          const w = Math.max(1, scale(ratio));
          parts.push(
            `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${color(system)}"/>`,
          );
          parts.push(`<text x="${LABEL_W + w + 4}" y="${y + BAR_H - 1}" class="v">${ratio.toFixed(2)}x</text>`);
        } else {
          parts.push(`<text x="${LABEL_W + 4}" y="${y + BAR_H - 1}" class="v">${escape(system)}: n/a</text>`);
        }
        y += BAR_H + BAR_GAP;
      }
      y += GROUP_GAP;
    }
    const one = LABEL_W + scale(1);
    parts.push(`<line x1="${one}" y1="${top - 4}" x2="${one}" y2="${y - GROUP_GAP + 2}" class="one"/>`);
    parts.push(`<text x="${one - 12}" y="${y - GROUP_GAP + 14}" class="v">1.0 = better floor</text>`);
    y += 6;
  }
  const m = results.machine;
  y += 10;
  parts.push(
    `<text x="10" y="${y}" class="v">${escape(`${m.nproc} × ${m.cpu}, Node ${m.node}; server and load generator in separate processes on 127.0.0.1`)}</text>`,
  );
  const width = LABEL_W + PLOT_W + 80;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 14}" viewBox="0 0 ${width} ${y + 14}" font-family="system-ui, sans-serif" font-size="12">`,
    '<style>.h1{font-size:16px;font-weight:600}.h2{font-size:13px;font-weight:600}.v{font-size:10px;fill:#444}.one{stroke:#222;stroke-dasharray:3 3}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
