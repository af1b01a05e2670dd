import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretId } from '../../src/ledger/secretId.js';
import { journalRecords } from '../helpers/journalRecords.js';
import { runCli } from '../helpers/runCli.js';
import { secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtpSink.js';

const editionId = '2014-02-10-second-round-geneva';
const otherSecret = 'another-secret-9876543210-zyxwv';

/** Eight subscribers, one at a time, stopped once three messages have arrived. */
async function interruptedSend(sink: SmtpSink) {
  const fixture = await sendFixture(8, { concurrency: 1 });
  const controller = new AbortController();
  const running = sendInProcess(
    fixture.root,
    { SMTP_URL: sink.url, STORYLINE_SECRET: secret },
    { signal: controller.signal },
  );
  await sink.waitForMessages(3);
  controller.abort();
  const stopped = await running;
  expect(stopped.code, stopped.stderr).toBe(1);
  expect(stopped.stderr).toContain('interrupted');
  expect(sink.messages.length).toBeLessThan(8);
  return fixture;
}

describe('one secret per journal', () => {
  it('refuses to resume an edition under another STORYLINE_SECRET, dry run too, then resumes under the first with nobody twice', async () => {
    const sink = await startSmtpSink({ delayMs: 20 });
    try {
      const { root, addresses } = await interruptedSend(sink);
      const firstRun = sink.messages.length;
      const journal = path.join(root, 'archive', editionId, 'deliveries.jsonl');
      const journalBefore = await readFile(journal, 'utf8');
      const other = { SMTP_URL: sink.url, STORYLINE_SECRET: otherSecret };

      const refused = await runCli(['send'], { cwd: root, env: other });
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toContain(
        `archive/${editionId}/deliveries.jsonl was written under a different STORYLINE_SECRET`,
      );
      expect(refused.stderr).toContain(
        'Set STORYLINE_SECRET to the secret this edition was started with',
      );
      expect(refused.stderr).not.toContain(otherSecret);
      const dryRun = await runCli(['send', '--dry-run'], { cwd: root, env: other });
      expect(dryRun.code, dryRun.stderr).toBe(1);
      expect(dryRun.stderr).toContain('written under a different STORYLINE_SECRET');
      const publish = await runCli(['publish'], { cwd: root, env: other });
      expect(publish.code, publish.stderr).toBe(1);
      expect(publish.stderr).toContain('written under a different STORYLINE_SECRET');
      await sink.waitForIdle();
      expect(sink.messages).toHaveLength(firstRun);
      expect(await readFile(journal, 'utf8')).toBe(journalBefore);

      const resumed = await sendInProcess(root, { SMTP_URL: sink.url, STORYLINE_SECRET: secret });
      expect(resumed.code, resumed.stderr).toBe(0);
      const counts = sink.countByAddress();
      expect(addresses.filter((a) => counts.get(a) !== 1)).toEqual([]);
      expect(sink.messages).toHaveLength(addresses.length);
    } finally {
      await sink.close();
    }
  });

  it('records the key in every journal line and in edition.json, and in a shard status file', async () => {
    const sink = await startSmtpSink();
    try {
      const { root } = await sendFixture(6);
      const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
      expect((await sendInProcess(root, env, { shard: { index: 1, count: 2 } })).code).toBe(0);
      const dir = path.join(root, 'archive', editionId);
      const status = JSON.parse(await readFile(path.join(dir, 'status.1-of-2.json'), 'utf8'));
      expect(status.key).toBe(secretId(secret));
      // The completed shard's journal is compacted: its key is in the header line.
      const [header, ...lines] = (await readFile(path.join(dir, 'deliveries.1-of-2.jsonl'), 'utf8'))
        .trim()
        .split('\n');
      expect(JSON.parse(header ?? '')).toMatchObject({
        journal: 'compacted',
        key: secretId(secret),
      });
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((line) => /^[\w-]{22}s$/.test(line))).toBe(true);
      // The other shard under another key: refused, since shard 1's hashes split the list.
      const second = await sendInProcess(
        root,
        { SMTP_URL: sink.url, STORYLINE_SECRET: otherSecret },
        { shard: { index: 1, count: 2 } },
      );
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('written under a different STORYLINE_SECRET');
      expect((await sendInProcess(root, env, { shard: { index: 2, count: 2 } })).code).toBe(0);
      const record = JSON.parse(await readFile(path.join(dir, 'edition.json'), 'utf8'));
      expect(record).toMatchObject({ complete: true, key: secretId(secret) });
    } finally {
      await sink.close();
    }
  });

  it('resumes a journal written before keys were recorded (lines without `key`) as before', async () => {
    const sink = await startSmtpSink({ delayMs: 20 });
    try {
      const { root, addresses } = await interruptedSend(sink);
      const journal = path.join(root, 'archive', editionId, 'deliveries.jsonl');
      // The interrupted run wrote the open form; the same outcomes as that
      // version's JSON lines, each with a time and none with a key.
      const [header] = (await readFile(journal, 'utf8')).split('\n');
      expect(JSON.parse(header ?? '')).toMatchObject({ journal: 'open', key: secretId(secret) });
      const at = '2014-02-10T09:30:00.000Z';
      const old = (await journalRecords(journal, secretId(secret))).map((record) =>
        JSON.stringify({ at, ...record }),
      );
      expect(old.length).toBeGreaterThanOrEqual(3);
      await writeFile(journal, `${old.join('\n')}\n`);
      const resumed = await sendInProcess(root, { SMTP_URL: sink.url, STORYLINE_SECRET: secret });
      expect(resumed.code, resumed.stderr).toBe(0);
      const counts = sink.countByAddress();
      expect(addresses.filter((a) => counts.get(a) !== 1)).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});
