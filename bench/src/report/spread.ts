import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRatio, type Results } from './results.js';

/** One file per complete run, named by its start time, so several runs can be set side by side. */
export function keepRun(dir: string, results: Results): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${results.date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(results)}\n`);
}

/** The `count` latest complete runs kept in `dir`, oldest first. */
export function latestRuns(dir: string, count: number): Results[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .sort()
    .slice(-count)
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Results);
}

/**
 * Tether's targets across several complete runs: per target, how many runs met it and the
 * ratio each run measured, with their range, so a target is reported with the spread a
 * shared machine gives it rather than from one lucky or unlucky run.
 */
export function formatSpread(runs: readonly Results[]): string {
  if (runs.length === 0) return 'bench: no complete runs kept yet (each `pnpm bench` keeps one in results/runs/)';
  const labels = [...new Set(runs.flatMap((r) => r.targets.map((t) => t.label)))];
  const header = ['target', 'met in', ...runs.map((r) => r.date.slice(0, 16).replace('T', ' ')), 'range'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const label of labels) {
    const checks = runs.map((r) => r.targets.find((t) => t.label === label));
    const ratios = checks.map((c) => c?.ratio ?? null);
    const known = ratios.filter((r): r is number => r !== null);
    const met = checks.filter((c) => c?.met === true).length;
    const range = known.length ? `${formatRatio(Math.min(...known))}–${formatRatio(Math.max(...known))}` : 'n/a';
    const cells = checks.map((c) => (c?.ratio != null ? formatRatio(c.ratio) : c ? c.detail : '—'));
    lines.push(`| ${[label, `${met}/${runs.length}`, ...cells, range].join(' | ')} |`);
  }
  return lines.join('\n');
}
