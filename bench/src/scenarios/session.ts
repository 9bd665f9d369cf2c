import type { Metrics } from './catalog.js';

/**
 * A scenario made ready once (connections open, warmed up) and then measured in several short
 * slices, so the coordinator can interleave the slices of every system: on a shared machine,
 * load from elsewhere comes and goes within seconds, and interleaving lets every system meet
 * the same moments.
 */
export interface Session {
  /** One measured slice. */
  slice(): Promise<Metrics>;
  close(): void;
}
