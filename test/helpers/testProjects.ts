import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Which vitest project a test file belongs to. `fast` (unit and in-process
 * tests, `npm run test:fast`) is the edit loop; `slow` holds everything that
 * starts a process, a browser or a server, or takes seconds by design. Membership is
 * read from each file's source, so a new test lands in the right project
 * without being listed, and the fast project's setup
 * (`forbidChildProcesses.ts`) fails any fast test that starts a process anyway.
 */

/**
 * Folders and files that are slow by design without starting anything:
 * fuzzing, a whole workflow, stories built to the size limits. An in-process
 * test that takes a second or more belongs here too.
 */
export const slowPaths: readonly string[] = [
  'test/fuzz/',
  'test/workflows/',
  'test/project/storySize.test.ts',
  // A thousand sign-ups and the other abuse cases take seconds in process.
  'test/serve/serveApp.test.ts',
  // Loads a 200-update story a dozen times.
  'test/preview/PreviewModel.test.ts',
];

/**
 * A call of a helper that starts a process (the compiled CLI, a send to be
 * killed, a workflow step, a PostgreSQL cluster, a memory measure), a browser or an SMTP server on loopback, or a
 * (non-type) import of `node:child_process`.
 */
const startsSomething =
  /\b(?:runCli|spawnSend|spawnServe|measureReadSubscribers|runWorkflowSteps|launchBrowser|startSmtpSink|createBounceSmtpServer|startPostgresCluster|usePostgresDatabases)\(|^import (?!type )[^;]*from 'node:child_process'/m;

export function isSlowTestFile(relativePath: string, source: string): boolean {
  const file = relativePath.split(path.sep).join('/');
  return slowPaths.some((slow) => file.startsWith(slow)) || startsSomething.test(source);
}

/** Every `*.test.ts` under `test/`, relative to `root` with `/`, split by project. */
export function splitTestFiles(root: string): { fast: string[]; slow: string[] } {
  const fast: string[] = [];
  const slow: string[] = [];
  const entries = readdirSync(path.join(root, 'test'), { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.test.ts')) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = path.relative(root, absolute).split(path.sep).join('/');
    (isSlowTestFile(relative, readFileSync(absolute, 'utf8')) ? slow : fast).push(relative);
  }
  return { fast: fast.sort(), slow: slow.sort() };
}
