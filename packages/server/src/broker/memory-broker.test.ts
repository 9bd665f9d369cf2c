import { describeBroker } from '../testing/broker-conformance.js';
import { MemoryBroker } from './memory-broker.js';

describeBroker('memory', async (options) => new MemoryBroker(options));
