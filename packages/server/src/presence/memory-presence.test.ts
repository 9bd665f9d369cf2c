import { afterEach, describe, it } from 'vitest';
import { describePresence } from '../testing/presence-conformance.js';
import { MemoryPresence } from './memory-presence.js';

describePresence({ describe, it, afterEach }, 'memory', {
  make: async () => new MemoryPresence(),
  peer: async (first) => first,
});
