import { describePresence } from '../testing/presence-conformance.js';
import { MemoryPresence } from './memory-presence.js';

describePresence('memory', { make: async () => new MemoryPresence(), peer: async (first) => first });
