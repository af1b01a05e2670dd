import { defineConfig } from 'vitest/config';
import { splitTestFiles } from './test/helpers/testProjects.js';

// Membership is read from each test's source: see test/helpers/testProjects.ts.
const { fast, slow } = splitTestFiles(import.meta.dirname);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI reads the JSON report for its closing "N passed, N failed" line: one
    // report for both projects.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.ci/results.json' }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: fast,
          // In-process tests run the TypeScript sources: no dist/, no processes.
          setupFiles: ['test/helpers/forbidChildProcesses.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: slow,
          // The CLI tests run the compiled bin: recompile dist/ when a source is newer.
          globalSetup: ['test/helpers/buildOnce.ts'],
        },
      },
    ],
  },
});
