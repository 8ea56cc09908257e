import { createLocalEngine } from '../../src/adapters/engines/local/local-engine.js';
import { runEngineContract } from './engine-contract.js';
import { plainHarness } from './engine-driver.js';

runEngineContract('local ffmpeg engine', async () => plainHarness(() => createLocalEngine({ capacity: 1, threads: 2 })));
