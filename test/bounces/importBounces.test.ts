import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importBounces } from '../../src/bounces/importBounces.js';
import { MailboxError } from '../../src/bounces/readMailbox.js';
import { readMbox } from '../../src/bounces/readMbox.js';
import { bounceCollector } from '../helpers/bounceCollector.js';
import { fixture } from '../helpers/fixture.js';

const fixtures = path.join(import.meta.dirname, '../fixtures/bounces');
const bounceDomain = 'bounces.storyline.test';

/** Every fixture, by name: four Postfix DSNs, Exchange, no-VERP and ARF (one event each), an auto-reply (none). */
function allFixtures(): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const folder of ['postfix', 'handwritten'])
    for (const name of readdirSync(path.join(fixtures, folder)))
      files[`${folder}-${name}`] = readFileSync(path.join(fixtures, folder, name));
  return files;
}

function mbox(messages: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const message of messages) {
    const quoted = message.toString('latin1').replace(/^(>*From )/gm, '>$1');
    parts.push(
      Buffer.from(
        `From MAILER-DAEMON  Tue Feb 11 08:12:44 2014\n${quoted.endsWith('\n') ? quoted : `${quoted}\n`}\n`,
        'latin1',
      ),
    );
  }
  return Buffer.concat(parts);
}

describe('importBounces', () => {
  it('reads a Maildir’s new/ and cur/ (not tmp/), hands every event to apply, and counts what it ignored', async () => {
    const files = allFixtures();
    const outside = await fixture({
      'secret.eml': readFileSync(path.join(fixtures, 'handwritten/exchange-dsn.eml')),
    });
    const names = Object.keys(files);
    const maildir = await fixture({
      ...Object.fromEntries(
        names.map((name, i) => [`${i % 2 ? 'cur' : 'new'}/${name}:2,S`, files[name] as Buffer]),
      ),
      'tmp/half-written': readFileSync(path.join(fixtures, 'handwritten/arf-complaint.eml')),
    });
    // A link out of the Maildir is not followed; one inside is.
    await symlink(path.join(outside, 'secret.eml'), path.join(maildir, 'new', 'zz-outside'));
    await symlink(
      path.join(maildir, 'cur', `${names[1]}:2,S`),
      path.join(maildir, 'new', 'zz-inside'),
    );

    const collector = bounceCollector();
    const result = await importBounces(maildir, collector.apply, { bounceDomain });
    expect(result).toEqual({
      format: 'maildir',
      messages: 10,
      events: 8,
      ignored: { 'auto-reply': 1, 'outside-mailbox': 1 },
      // The linked copy is the same report again.
      applied: 7,
      duplicates: 1,
      unmatched: 0,
    });
    const events = collector.events();
    expect(events.map((e) => e.kind).sort()).toEqual(
      ['complaint', 'hard', 'hard', 'hard', 'hard', 'hard', 'hard', 'soft'].sort(),
    );
    expect(events.filter((e) => e.recipient.verp).length).toBeGreaterThanOrEqual(6);
  });

  it('reads a folder of .eml files; importing it again is all duplicates', async () => {
    const folder = await fixture({ ...allFixtures(), 'notes.txt': 'not mail' });
    const collector = bounceCollector();
    const first = await importBounces(folder, collector.apply, { bounceDomain });
    expect(first).toMatchObject({
      format: 'eml-folder',
      messages: 8,
      events: 7,
      applied: 7,
      duplicates: 0,
    });
    const second = await importBounces(folder, collector.apply, { bounceDomain });
    expect(second).toMatchObject({ messages: 8, events: 7, applied: 0, duplicates: 7 });
  });

  it('hands events to apply in batches of batchSize', async () => {
    const folder = await fixture(allFixtures());
    const collector = bounceCollector();
    await importBounces(folder, collector.apply, { bounceDomain, batchSize: 3 });
    expect(collector.batches.map((batch) => batch.length)).toEqual([3, 3, 1]);
  });

  it('reads an mbox, skipping a message over the size limit and going on after it', async () => {
    const files = allFixtures();
    const huge = Buffer.from(`From: a@example.net\nSubject: big\n\n${'x'.repeat(200_000)}\n`);
    const dir = await fixture({
      'bounces.mbox': mbox([
        files['postfix-unknown-user-failed.eml'] as Buffer,
        huge,
        files['handwritten-arf-complaint.eml'] as Buffer,
        files['handwritten-auto-reply.eml'] as Buffer,
      ]),
    });
    const collector = bounceCollector();
    const result = await importBounces(path.join(dir, 'bounces.mbox'), collector.apply, {
      bounceDomain,
      maxMessageBytes: 100_000,
    });
    expect(result).toEqual({
      format: 'mbox',
      messages: 4,
      events: 2,
      ignored: { 'too-large': 1, 'auto-reply': 1 },
      applied: 2,
      duplicates: 0,
      unmatched: 0,
    });
    expect(collector.events().map((e) => [e.kind, e.recipient.address])).toEqual([
      ['hard', 'nosuchuser@mta.storyline.test'],
      ['complaint', 'complainer@mailbox-provider.example'],
    ]);
  });

  it('gives an mbox’s messages back byte for byte, >From lines unquoted, a From_ line only after an empty line', async () => {
    const first = Buffer.from(
      'From: a@example.net\nSubject: one\n\nFrom the start.\n>From quoted.\nend\n',
    );
    const second = Buffer.from('From: b@example.net\r\nSubject: two\r\n\r\nbody\r\n');
    const dir = await fixture({
      'box.mbox': Buffer.concat([
        mbox([first]),
        // Not a separator: no empty line before it.
        Buffer.from(
          'From MAILER-DAEMON  Tue Feb 11 08:12:44 2014\nFrom: c@example.net\n\nline\nFrom inside, not after a blank\n\n',
        ),
        mbox([second]),
      ]),
    });
    const messages: Buffer[] = [];
    for await (const message of readMbox(path.join(dir, 'box.mbox'), 1_000_000))
      if ('raw' in message) messages.push(message.raw);
    expect(messages.map((m) => m.toString('latin1'))).toEqual([
      first.toString('latin1'),
      'From: c@example.net\n\nline\nFrom inside, not after a blank\n',
      second.toString('latin1'),
    ]);
  });

  it('says what it expected when the path is no mailbox', async () => {
    const dir = await fixture({});
    const collector = bounceCollector();
    await expect(importBounces(path.join(dir, 'missing'), collector.apply)).rejects.toThrow(
      MailboxError,
    );
    await expect(importBounces(path.join(dir, 'missing'), collector.apply)).rejects.toThrow(
      /expected a Maildir \(cur\/, new\/\), an mbox file or a folder of \.eml files/,
    );
  });

  it('inside the content root, a mailbox path must not lead out of it through a link', async () => {
    const outside = await fixture({
      'new/a.eml': readFileSync(path.join(fixtures, 'handwritten/arf-complaint.eml')),
    });
    const root = await fixture({ 'story.md': '# x\n' });
    await mkdir(path.join(root, 'mail'));
    await symlink(outside, path.join(root, 'mail', 'bounces'));
    const collector = bounceCollector();
    await expect(
      importBounces(path.join(root, 'mail', 'bounces'), collector.apply, { contentRoot: root }),
    ).rejects.toThrow(/leads out of the content root/);
    expect(collector.batches).toEqual([]);
    // The same folder given by its own path, outside the root, is fine.
    const result = await importBounces(outside, collector.apply, {
      contentRoot: root,
      bounceDomain,
    });
    expect(result).toMatchObject({ format: 'maildir', events: 1 });
  });
});
