import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, coarsely: which package, or the runtime. */
function area(url: string): string {
  const workspace = /\/packages\/([^/]+)\/src\//.exec(url);
  if (workspace) return `tether/${workspace[1]}`;
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dep) return dep[1] ?? 'dependency';
  if (url.includes('/bench/src/')) return 'bench';
  if (url.startsWith('node:')) return 'node';
  return url === '' ? '(native/gc/idle)' : 'other';
}

/**
 * Self time of a `--cpu-prof` profile, by function and by area (Tether package, dependency,
 * Node, the bench itself), so a profile reads as "what costs" without opening DevTools.
 */
export function summarizeProfile(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)') continue;
    total += us;
    const where = frame.url.replace(/^.*\/(packages|node_modules)\//, '$1/').replace(/^file:\/\/.*\/bench\//, 'bench/');
    const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const a = frame.url === '' ? frame.functionName || '(native)' : area(frame.url);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const sorted = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `${file}: ${(total / 1000).toFixed(0)} ms busy`,
    '  by area:',
    ...sorted(byArea, 12).map(([k, us]) => `    ${pct(us)}  ${k}`),
    '  by function (self):',
    ...sorted(byFunction, top).map(([k, us]) => `    ${pct(us)}  ${k}`),
  ].join('\n');
}

/** Summaries of the main-thread profile (the largest file) of each child's directory in `dir`. */
export function summarizeProfiles(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((child) => {
      const files = readdirSync(join(dir, child))
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(dir, child, f));
      const main = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
      return main ? summarizeProfile(main) : `${child}: no profile`;
    })
    .join('\n\n');
}
