import { createLocalEngine } from '../../src/adapters/engines/local/local-engine.js';
import { runEngineContract } from './engine-contract.js';

runEngineContract('local ffmpeg engine', () => createLocalEngine({ capacity: 1, threads: 2 }));
