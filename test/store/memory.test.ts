// The Store contract on MemoryStore (expiry on the injected clock).
import { MemoryStore } from '../../src/store/memory.js';
import { storeContract } from './contract.js';

storeContract({ name: 'memory', fakeClock: true, open: async (clock) => new MemoryStore(clock) });
