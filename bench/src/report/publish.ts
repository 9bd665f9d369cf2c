import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderChart } from './chart.js';
import { benchmarksSection, updateReadme } from './readme.js';
import type { Results } from './results.js';
import { formatRuntimes } from './runtimes.js';
import { keepRun } from './spread.js';
import { formatErrors, formatGrowth, formatTable, formatTargets } from './table.js';

const resultsDir = fileURLToPath(new URL('../../results/', import.meta.url));
/** Every complete run's results, for `pnpm bench --spread`. */
export const runsDir = `${resultsDir}runs/`;
const readmePath = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** Where a run's files go: `latest`, `latest-quick` or `latest-partial` (and the chart beside it). */
export function outputName(kind: '' | '-quick' | '-partial'): { json: string; chart: string; chartLink: string } {
  return {
    json: `${resultsDir}latest${kind}.json`,
    chart: `${resultsDir}chart${kind}.svg`,
    chartLink: `bench/results/chart${kind}.svg`,
  };
}

/** Reads results written by an earlier run. */
export function readResults(json: string): Results {
  return JSON.parse(readFileSync(json, 'utf8')) as Results;
}

/**
 * Writes the results as JSON and as the SVG chart, rewrites the README's Benchmarks section
 * when asked, and prints the table, how cost grows, Tether's targets and any errors.
 */
export function publish(
  results: Results,
  kind: '' | '-quick' | '-partial',
  options: { readme: boolean; rewriteJson: boolean },
): void {
  const out = outputName(kind);
  if (options.rewriteJson) writeFileSync(out.json, `${JSON.stringify(results, null, 2)}\n`);
  if (options.rewriteJson && kind === '') keepRun(runsDir, results);
  writeFileSync(out.chart, renderChart(results));
  if (options.readme) updateReadme(readmePath, benchmarksSection(results, out.chartLink));
  console.log(formatTable(results));
  const growth = formatGrowth(results);
  if (growth) console.log(`\nHow cost grows with the work:\n${growth}`);
  const runtimes = formatRuntimes(results);
  if (runtimes) console.log(`\nOne library on two runtimes (same client, same scenarios):\n${runtimes}`);
  if (results.targets.length)
    console.log(`\nTether's targets (issue 14; ratios to the better floor of this run):\n${formatTargets(results)}`);
  const errors = formatErrors(results);
  if (errors) console.log(`\nErrors:\n${errors}`);
}
