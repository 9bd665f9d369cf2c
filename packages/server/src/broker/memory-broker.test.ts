import { afterEach, describe, it } from 'vitest';
import { describeBroker } from '../testing/broker-conformance.js';
import { MemoryBroker } from './memory-broker.js';

describeBroker(
  { describe, it, afterEach },
  'memory',
  async (options) => new MemoryBroker(options),
  undefined,
  // The process restarted: its topics went with the old instance.
  async (_lost, options) => new MemoryBroker(options),
);
