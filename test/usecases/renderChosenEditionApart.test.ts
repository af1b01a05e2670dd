import { spawn } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectChild } from '../helpers/captureIo.js';
import { bin, runCli } from '../helpers/runCli.js';
import { secret, sendFixture } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

/**
 * Loaded before the CLI: when the main thread exits it writes the packages
 * whose CommonJS modules that thread loaded (mjml, pg and better-sqlite3
 * are CommonJS; a worker thread has a module cache of its own).
 */
const probe = `
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) {
  process.on('exit', () => {
    const loaded = new Set();
    for (const file of Object.keys(createRequire(import.meta.url).cache)) {
      const name = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file)?.[1];
      if (name) loaded.add(name);
    }
    writeFileSync(process.env.PROBE_OUT, JSON.stringify([...loaded].sort()));
  });
}
`;

/** The compiled CLI with the probe: what it printed, and the packages its main thread loaded. */
async function cliWithProbe(root: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const probeFile = path.join(root, 'probe.mjs');
  const out = path.join(root, 'loaded.json');
  await writeFile(probeFile, probe);
  const child = spawn(process.execPath, ['--import', probeFile, bin, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', STORYLINE_SECRET: secret, PROBE_OUT: out, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await collectChild(child);
  const loaded = JSON.parse(await readFile(out, 'utf8')) as string[];
  return { ...result, loaded };
}

describe('send renders the edition in a thread of its own', () => {
  it('never loads mjml in the thread that mails, nor the store’s modules for a CSV list', async () => {
    const sink = await startSmtpSink();
    try {
      const { root, addresses } = await sendFixture(6);
      // The probe sees mjml where the render runs in the main thread (build).
      const built = await cliWithProbe(root, ['build', '--out', path.join(root, 'out')]);
      expect(built.code, built.stderr).toBe(0);
      expect(built.loaded).toContain('mjml');

      const dryRun = await cliWithProbe(root, ['send', '--dry-run']);
      expect(dryRun.code, dryRun.stderr).toBe(0);
      expect(dryRun.stdout).toMatch(/would go to 6 of 6 subscribers/);
      expect(dryRun.loaded).not.toContain('mjml');

      const sent = await cliWithProbe(root, ['send'], { SMTP_URL: sink.url });
      expect(sent.code, sent.stderr).toBe(0);
      expect(sink.messages).toHaveLength(addresses.length);
      expect(sink.messages[0]?.raw.toString('utf8')).toContain('Second Round');
      expect(sent.loaded).not.toContain('mjml');
      expect(sent.loaded).not.toContain('pg');
      expect(sent.loaded).not.toContain('better-sqlite3');
    } finally {
      await sink.close();
    }
  });

  it('prints the content’s warnings with their positions, as check does', async () => {
    const { root } = await sendFixture(3);
    await appendFile(
      path.join(root, 'updates', '2014-02-10-second-round-geneva.md'),
      '\nSee [the draft](http://localhost:8080/draft) for more.\n',
    );
    const check = await runCli(['check', '--root', root]);
    const warning = check.stderr.split('\n').find((line) => line.includes('[insecure-url]'));
    expect(warning, check.stderr).toMatch(/second-round-geneva\.md:\d+:5: warning: /);
    const dryRun = await runCli(['send', '--dry-run', '--root', root], {
      env: { STORYLINE_SECRET: secret },
    });
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stderr.split('\n')).toContain(warning);
  });
});
