import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/buildOnce.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI reads the JSON report for its closing "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.ci/results.json' }]]
      : ['default'],
  },
});
