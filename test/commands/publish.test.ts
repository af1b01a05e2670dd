import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { EditionRecord } from '../../src/ledger/EditionRecord.js';
import { sampleFixture, updateMd, writeFiles } from '../helpers/fixture.js';
import { publishEnv } from '../helpers/publish.js';
import { type CliResult, repoRoot, runCli } from '../helpers/runCli.js';

const env = { ...publishEnv, STORYLINE_NOW: '2014-03-01T12:00:00Z' };
const firstEdition = '2014-02-10-second-round-geneva';
const secondEdition = '2014-02-14-homs-evacuation';

const exampleSubscribers = (await readFile(path.join(repoRoot, 'subscribers.example.csv'), 'utf8'))
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => (line.split(',')[0] ?? '').toLowerCase())
  .sort();

const newUpdate = {
  [`updates/${secondEdition}.md`]: updateMd(
    'date: 2014-02-14\nheadline: Hundreds More Civilians Leave Homs',
    'The evacuation of Homs continued for a fourth day.\n',
  ),
};

/** Run `storyline ARGS` in `root`, failing with its output unless it exits `code`. */
async function storyline(root: string, args: string[], code = 0): Promise<CliResult> {
  const result = await runCli(args, { cwd: root, env });
  if (result.code !== code)
    throw new Error(
      `storyline ${args.join(' ')} exited ${result.code}, expected ${code}:\n${result.stdout}\n${result.stderr}`,
    );
  return result;
}

/** Every file under `dir`: its SHA-256 and modification time, by path relative to `dir`. */
async function snapshot(dir: string): Promise<Record<string, { sha256: string; mtimeMs: number }>> {
  if (!existsSync(dir)) return {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, { sha256: string; mtimeMs: number }> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = {
      sha256: createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
      mtimeMs: (await stat(file)).mtimeMs,
    };
  }
  return files;
}

/** The recipients of the `.eml` files in an outbox folder, one entry per file, sorted. */
async function outboxRecipients(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.eml'));
  const recipients: string[] = [];
  for (const name of names) {
    const mail = await simpleParser(await readFile(path.join(dir, name)));
    const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
    for (const address of to.flatMap((a) => a.value)) recipients.push(address.address ?? '');
  }
  return recipients.map((a) => a.toLowerCase()).sort();
}

async function record(root: string, id: string): Promise<EditionRecord> {
  return JSON.parse(
    await readFile(path.join(root, 'archive', id, 'edition.json'), 'utf8'),
  ) as EditionRecord;
}

/** How many updates the living page shows, and how many entries each feed holds. */
async function updateCounts(root: string) {
  const archive = path.join(root, 'archive');
  const page = await readFile(path.join(archive, 'index.html'), 'utf8');
  const atom = await readFile(path.join(archive, 'feed.xml'), 'utf8');
  const json = JSON.parse(await readFile(path.join(archive, 'feed.json'), 'utf8')) as {
    items: unknown[];
  };
  return {
    page: page.match(/<article class="update[ "]/g)?.length ?? 0,
    atom: atom.match(/<entry>/g)?.length ?? 0,
    json: json.items.length,
  };
}

describe('storyline publish', () => {
  it('mails every subscriber once, a rerun mails nothing and leaves archive/ byte for byte the same, and a new update is mailed alone', {
    timeout: 90_000,
  }, async () => {
    const root = await sampleFixture();
    const outbox = path.join(root, '.storyline', 'outbox');
    const archive = path.join(root, 'archive');

    const first = await storyline(root, ['publish']);
    expect(await readdir(outbox)).toEqual([firstEdition]);
    expect(await outboxRecipients(path.join(outbox, firstEdition))).toEqual(exampleSubscribers);
    expect(Object.keys(await snapshot(archive)).sort()).toEqual([
      `${firstEdition}/deliveries.jsonl`,
      `${firstEdition}/edition.json`,
      `${firstEdition}/email.txt`,
      `${firstEdition}/index.html`,
      'feed.json',
      'feed.xml',
      'images/geneva-ii-talks.png',
      'index.html',
    ]);
    expect(await readFile(path.join(archive, 'images/geneva-ii-talks.png'))).toEqual(
      await readFile(path.join(root, 'images/geneva-ii-talks.png')),
    );
    const sent = await record(root, firstEdition);
    expect(sent.complete).toBe(true);
    expect(sent.counts).toEqual({ sent: 8, failed: 0, suppressed: 0, deferred: 0 });
    expect(sent.updates).toEqual([firstEdition]);
    const journal = (await readFile(path.join(archive, firstEdition, 'deliveries.jsonl'), 'utf8'))
      .trim()
      .split('\n');
    // The compacted header, then a line per recipient.
    expect(journal).toHaveLength(9);
    // Where a newcomer finds what the first run made.
    expect(first.stdout).toContain(`Outbox: .storyline/outbox/${firstEdition}/ holds 8 messages`);
    expect(first.stdout).toMatch(/^Archive: archive\/ updated: /m);
    expect(first.stdout).toContain('Open archive/index.html');

    const outboxBefore = await snapshot(outbox);
    const archiveBefore = await snapshot(archive);
    const second = await storyline(root, ['publish']);
    expect(second.stdout).toContain('Nothing pending');
    expect(second.stdout).toContain('Archive: archive/ unchanged');
    expect(second.stdout).not.toContain('Outbox:');
    expect(await snapshot(outbox)).toEqual(outboxBefore);
    expect(await snapshot(archive)).toEqual(archiveBefore);

    await writeFiles(root, newUpdate);
    const third = await storyline(root, ['publish']);
    expect(third.stdout).toContain(
      `Publishing ${secondEdition}: Hundreds More Civilians Leave Homs`,
    );
    expect((await readdir(outbox)).sort()).toEqual([firstEdition, secondEdition]);
    expect(await outboxRecipients(path.join(outbox, secondEdition))).toEqual(exampleSubscribers);
    const outboxAfter = await snapshot(outbox);
    for (const [file, before] of Object.entries(outboxBefore))
      expect(outboxAfter[file], file).toEqual(before);
    expect(await record(root, secondEdition)).toMatchObject({
      complete: true,
      counts: { sent: 8, failed: 0, suppressed: 0, deferred: 0 },
      updates: [secondEdition],
    });
    // Only the updates it added: the earlier ones come from the ledger.
    expect(await record(root, secondEdition)).not.toHaveProperty('earlierUpdates');

    const archiveAfter = await snapshot(archive);
    for (const file of ['index.html', 'email.txt', 'edition.json', 'deliveries.jsonl'])
      expect(archiveAfter[`${secondEdition}/${file}`], file).toBeDefined();
    // Filed once, as mailed: the first edition's files are never rewritten.
    for (const file of ['index.html', 'email.txt', 'edition.json', 'deliveries.jsonl'])
      expect(archiveAfter[`${firstEdition}/${file}`], file).toEqual(
        archiveBefore[`${firstEdition}/${file}`],
      );
    expect(archiveAfter['index.html']).not.toEqual(archiveBefore['index.html']);
    expect(await updateCounts(root)).toEqual({ page: 2, atom: 2, json: 2 });
  });

  it('lists pending updates, editions with their delivery counts and what to do next in status', {
    timeout: 60_000,
  }, async () => {
    const root = await sampleFixture();

    const before = await storyline(root, ['status']);
    expect(before.stdout).toContain('1 update: 0 mailed, 1 pending, 0 drafts');
    expect(before.stdout).toMatch(
      new RegExp(`^Pending:\\n  ${firstEdition}  Update 2/10/2014: Second Round`, 'm'),
    );
    expect(before.stdout).toContain('Editions: none sent yet.');
    expect(before.stdout).toMatch(/^Next: .*storyline publish/m);

    // A suppressed address, so the counts are not all in one column.
    await storyline(root, ['unsubscribe', '--address', 'grace@example.org']);
    await storyline(root, ['publish']);
    const after = await storyline(root, ['status']);
    expect(after.stdout).toContain('1 update: 1 mailed, 0 pending, 0 drafts');
    expect(after.stdout).not.toContain('Pending:');
    const rows = after.stdout.split('\n');
    const header = rows.findIndex((line) => line.trim().startsWith('edition'));
    expect(rows[header]?.trim().split(/\s+/)).toEqual([
      'edition',
      'state',
      'sent',
      'failed',
      'suppressed',
      'deferred',
      'hard',
      'soft',
      'complaints',
    ]);
    expect(rows[header + 1]?.trim().split(/\s+/)).toEqual([
      firstEdition,
      'complete',
      '7',
      '0',
      '1',
      '0',
      '0',
      '0',
      '0',
    ]);
    expect(after.stdout).toMatch(/^Next: nothing to send\./m);

    await writeFiles(root, {
      ...newUpdate,
      'updates/2014-02-15-draft.md': updateMd('date: 2014-02-15\ndraft: true'),
    });
    const pending = await storyline(root, ['status']);
    expect(pending.stdout).toContain('3 updates: 1 mailed, 1 pending, 1 draft');
    expect(pending.stdout).toMatch(
      new RegExp(`^Pending:\\n  ${secondEdition}  Update 2/14/2014: Hundreds More`, 'm'),
    );
    expect(pending.stdout).toContain('updates/2014-02-15-draft.md');
    expect(pending.stdout).toMatch(new RegExp(`^Next: .*${secondEdition}.*storyline publish`, 'm'));
  });

  it('exits 1 on a content error, having sent and archived nothing', {
    timeout: 30_000,
  }, async () => {
    const root = await sampleFixture();
    await writeFiles(root, {
      'updates/2014-02-12-bad-date.md': updateMd('date: 2014-02-30'),
    });
    const result = await storyline(root, ['publish'], 1);
    expect(result.stderr).toMatch(/^updates\/2014-02-12-bad-date\.md:\d+:\d+: .*\[invalid-date\]/m);
    expect(result.stderr).toContain('Nothing was sent or archived.');
    expect(existsSync(path.join(root, '.storyline', 'outbox'))).toBe(false);
    expect(await snapshot(path.join(root, 'archive'))).toEqual({});
  });
});
