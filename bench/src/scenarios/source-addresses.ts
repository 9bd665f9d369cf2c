import { readFileSync } from 'node:fs';

/** The kernel's ephemeral port range, as `ip_local_port_range` gives it; Linux's default where it cannot be read. */
function ephemeralPorts(): number {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && high > low) return high - low + 1;
  } catch {
    // Not Linux.
  }
  return 60999 - 32768 + 1;
}

/**
 * Source addresses for `count` connections to one server port: every loopback address has the
 * whole ephemeral range to itself, so past half the range (the rest is left to whatever else
 * runs on the machine) the connections spread over 127.0.0.2, 127.0.0.3, … as well.
 * Undefined stands for the system's default source address; `ports` is the size of the range.
 */
export function sourceAddresses(count: number, ports = ephemeralPorts()): Array<string | undefined> {
  const perAddress = Math.floor(ports / 2);
  const needed = Math.max(1, Math.ceil(count / perAddress));
  return Array.from({ length: needed }, (_, i) => (i === 0 ? undefined : `127.0.0.${i + 1}`));
}

/** This process's limits on open files (children inherit them), from /proc; undefined where unlimited or unreadable. */
export function openFileLimits(): { soft: number | undefined; hard: number | undefined } {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line?.slice('Max open files'.length).trim().split(/\s+/) ?? []).map((v) =>
      /^\d+$/.test(v) ? Number(v) : undefined,
    );
    return { soft, hard };
  } catch {
    return { soft: undefined, hard: undefined };
  }
}
