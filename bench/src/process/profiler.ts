/**
 * CPU profiles of a child's measured slices only, one file per slice, so that a summary can say
 * where a process spends its time in each scenario (`pnpm bench --profile`). Whole-process
 * profiles (`--cpu-prof`) would mix connecting, warm-up and every scenario into one.
 * The coordinator turns it on by setting BENCH_PROFILE_DIR and BENCH_PROFILE_NAME for a child.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** Sampling interval in µs: finer than V8's default 1 ms, since a slice lasts well under a second. */
const SAMPLING_US = 200;

const dir = process.env.BENCH_PROFILE_DIR;
const name = process.env.BENCH_PROFILE_NAME ?? `pid${process.pid}`;
let session: Session | undefined;
let taken = 0;

/** Whether this process was asked to profile its slices. */
export const profiling = dir !== undefined;

/** Starts sampling; a no-op when this process does not profile. */
export async function startProfile(): Promise<void> {
  if (!dir) return;
  if (!session) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_US });
  }
  await session.post('Profiler.start');
}

/** Stops sampling and writes the profile as `<scenario>__<process>__<n>.cpuprofile`; a no-op when this process does not profile. */
export async function stopProfile(scenario: string): Promise<void> {
  if (!dir || !session) return;
  const { profile } = await session.post('Profiler.stop');
  writeProfileFile(scenario, `${++taken}.cpuprofile`, JSON.stringify(profile));
}

/** Writes `<scenario>__<process>__<what>` into the profile directory; a no-op when this process does not profile. */
export function writeProfileFile(scenario: string, what: string, text: string): void {
  if (dir) writeFileSync(join(dir, `${scenario}__${name}__${what}`), text);
}

/** Reads back what writeProfileFile wrote. */
export function readProfileFile(scenario: string, what: string): string {
  if (!dir) throw new Error('bench: this process does not profile');
  return readFileSync(join(dir, `${scenario}__${name}__${what}`), 'utf8');
}
