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
// A file that fails to load has no failed test of its own: count its suites
// then, so a run that did not succeed never reads "0 failed". Otherwise the
// failed tests alone (a failed test also fails its file and describe blocks).
const failed =
  report.numFailedTests > 0 || report.success
    ? report.numFailedTests
    : Math.max(1, report.numFailedTestSuites);
console.log(`${report.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 || !report.success ? 1 : 0);
