import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './runCli.js';
import { isSlowTestFile, splitTestFiles } from './testProjects.js';

describe('the fast and slow test projects', () => {
  it('put tests that start a process, a browser or a server, and the slow folders, in slow', () => {
    const { fast, slow } = splitTestFiles(repoRoot);
    expect(slow).toEqual(
      expect.arrayContaining([
        'test/cli.test.ts',
        'test/deliver/sendCrash.test.ts',
        'test/deliver/readSubscribersMemory.test.ts',
        'test/deliver/sendMessages.test.ts',
        'test/preview/preview.test.ts',
        'test/fuzz/contentFuzz.test.ts',
        'test/workflows/publishWorkflow.test.ts',
        'test/bounces/createBounceSmtpServer.test.ts',
      ]),
    );
    expect(fast).toEqual(
      expect.arrayContaining([
        'test/helpers/testProjects.test.ts',
        'test/content/validation.test.ts',
        'test/util/isLoopback.test.ts',
      ]),
    );
    expect(fast.filter((file) => slow.includes(file))).toEqual([]);
  });

  it('read membership from the source, so a new test needs no list', () => {
    const file = path.join('test', 'new', 'thing.test.ts');
    // Spelled in two parts so this file's own source does not match the rule.
    const call = (helper: string) => `const r = await ${helper}(['check']);`;
    expect(isSlowTestFile(file, call('runCli'))).toBe(true);
    expect(isSlowTestFile(file, call('launchBrowser'))).toBe(true);
    expect(isSlowTestFile(file, call('createBounceSmtpServer'))).toBe(true);
    expect(isSlowTestFile(file, call('startPostgresCluster'))).toBe(true);
    expect(isSlowTestFile(file, call('usePostgresDatabases'))).toBe(true);
    expect(isSlowTestFile(file, "import { spawn } from 'node:child_process';")).toBe(true);
    expect(isSlowTestFile(file, "import type { ChildProcess } from 'node:child_process';")).toBe(
      false,
    );
    expect(isSlowTestFile(file, "import { repoRoot } from '../helpers/runCli.js';")).toBe(false);
    expect(isSlowTestFile('test/fuzz/more.test.ts', '')).toBe(true);
  });

  it('fail a fast test that starts a process anyway, naming the rule', async () => {
    // Imported here, not at the top, so this file itself stays in the fast project.
    const { execFileSync, spawn } = await import('node:child_process');
    expect(() => execFileSync('true')).toThrow(/in the fast test project, expected no processes/);
    expect(() => spawn('true')).toThrow(/test\/helpers\/testProjects\.ts/);
  });
});
