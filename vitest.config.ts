import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/longest-first-sequencer.js';

// Tiers (`npx vitest run --project unit`): unit tests beside the code; contract suites every store and
// engine must pass; integration through a real server; the web console in a real browser.
const alone = ['test/integration/multi-node.test.ts', 'test/integration/limits.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Most integration time is waiting (servers, polls, upstream fakes): three files at a time keep both
    // cores busy. Suites share a worker's imported modules (each still starts its own server, data dir,
    // schema and ports), so the app is not imported again for every file.
    maxWorkers: 3,
    isolate: false,
    // The longest files start first, whatever their project (see the sequencer).
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'console/src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'contract', include: ['test/contract/**/*.test.ts'], globalSetup: ['test/global-fixtures.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: alone,
          globalSetup: ['test/global-fixtures.ts'],
        },
      },
      {
        // Run last, one file at a time, on a machine no other test loads: these prove latency and
        // scheduling bounds (the multi-node cluster, fair scheduling between keys) that a CPU shared with
        // other suites would blur.
        extends: true,
        test: {
          name: 'alone',
          include: alone,
          fileParallelism: false,
          // A fresh worker: no heap or handles left by the suites that ran before in a shared one.
          isolate: true,
          sequence: { groupOrder: 1 },
          globalSetup: ['test/global-fixtures.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: ['test/global-fixtures.ts'] },
      },
    ],
  },
});
