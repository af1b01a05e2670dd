// Prints "N passed, N failed" from vitest's JSON report and exits 1 on any failure.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.ci/results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  // The type check or the linter failed before vitest ran.
  console.log(`no test report at ${file}: a step before the tests failed`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const skipped = report.numPendingTests + report.numTodoTests;
if (skipped > 0) console.log(`${skipped} skipped`);
const failed = report.numFailedTests + (report.success ? 0 : report.numFailedTestSuites);
console.log(`${report.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 || !report.success ? 1 : 0);
