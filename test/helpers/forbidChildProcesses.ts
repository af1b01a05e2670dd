import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

/**
 * Setup file of the fast project: a fast test that starts a process fails
 * here, naming the rule, instead of slowly making `npm run test:fast` slow.
 * `syncBuiltinESMExports` carries the replacement to `import { spawn } from
 * 'node:child_process'` in code imported after this file.
 */
const starters = [
  'spawn',
  'spawnSync',
  'exec',
  'execSync',
  'execFile',
  'execFileSync',
  'fork',
] as const;

for (const name of starters) {
  Object.defineProperty(childProcess, name, {
    configurable: true,
    enumerable: true,
    writable: true,
    value: () => {
      throw new Error(
        `Unexpected child_process.${name}() in the fast test project, expected no processes there: start the process through runCli, spawnSend, runWorkflowSteps or launchBrowser, or import node:child_process in the test file, so test/helpers/testProjects.ts puts the file in the slow project`,
      );
    },
  });
}
syncBuiltinESMExports();
