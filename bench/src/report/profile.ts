import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Which source module each line of a compiled child belongs to, from the `// path` comment
 * esbuild writes above each module's code.
 */
function moduleLines(url: string): (line: number) => string {
  const starts: Array<[number, string]> = [];
  try {
    readFileSync(fileURLToPath(url), 'utf8')
      .split('\n')
      .forEach((text, line) => {
        const marker = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(text);
        if (marker?.[1]) starts.push([line, marker[1]]);
      });
  } catch {
    return () => url;
  }
  return (line) => {
    let found = url;
    for (const [start, path] of starts) {
      if (start > line) break;
      found = path;
    }
    return found;
  };
}

/** Where a module lives, coarsely: which Tether package, which dependency, the bench, or Node. */
function area(path: string): string {
  const workspace = /packages\/([^/]+)\/src\//.exec(path);
  if (workspace) return `tether/${workspace[1]}`;
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (dep?.[1]) return dep[1];
  if (path.includes('bench/src/') || path.startsWith('src/')) return 'bench';
  if (path.startsWith('node:')) return 'node';
  return 'other';
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
  const mappers = new Map<string, (line: number) => string>();
  const locate = (url: string, line: number) => {
    if (!url.endsWith('.mjs') || !url.includes('/.build/')) return url;
    let mapper = mappers.get(url);
    if (!mapper) mappers.set(url, (mapper = moduleLines(url)));
    return mapper(line);
  };
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    total += us;
    const path = frame.url === '' ? '' : locate(frame.url, frame.lineNumber);
    const where = path.replace(/^.*?(packages|node_modules)\//, '$1/');
    // Lines of a compiled child are the bundle's, not the source's: the module names the place.
    const line = frame.url && path === frame.url ? `:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}${line}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const a = frame.url === '' ? frame.functionName || '(native)' : area(path);
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

/** Summaries of every profile in `dir`. */
export function summarizeProfiles(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => summarizeProfile(join(dir, f)))
    .join('\n\n');
}
