import { defineConfig } from 'vitest/config';

// Tiers (`npx vitest run --project unit`): unit tests beside the code; contract suites every store and
// engine must pass; integration through a real server; the web console in a real browser.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
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
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['test/global-fixtures.ts'] },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: ['test/global-fixtures.ts'] },
      },
    ],
  },
});
