import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { openStore } from '../../src/store/openStore.js';
import { fillStore } from '../helpers/fillStore.js';
import { postfixDsn } from '../helpers/postfixDsn.js';
import { runCli } from '../helpers/runCli.js';
import { secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const firstEdition = '2014-02-10-second-round-geneva';
const handwritten = path.join(import.meta.dirname, '..', 'fixtures', 'bounces', 'handwritten');

/** A sent edition (3 recipients, VERP envelopes) and a Maildir holding 2 of their DSNs and an auto-reply. */
async function sentWithBounceMaildir(options: { embeddedStore: boolean }) {
  const { root, addresses } = await sendFixture(3);
  const configPath = path.join(root, 'storyline.config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  config.bounces = { domain: 'bounces.example.org' };
  await writeFile(configPath, JSON.stringify(config));
  const dbFile = path.join(root, '.storyline', 'storyline.db');
  if (options.embeddedStore) await fillStore({ engine: 'sqlite', file: dbFile }, addresses);
  const sink = await startSmtpSink();
  const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
  try {
    const sent = await sendInProcess(root, env);
    expect(sent.code, sent.stderr).toBe(0);
  } finally {
    await sink.close();
  }
  const verpOf = new Map(sink.messages.map((m) => [m.rcpt[0] ?? '', m.from]));
  const maildir = path.join(root, 'bounce-mail');
  await mkdir(path.join(maildir, 'new'), { recursive: true });
  await mkdir(path.join(maildir, 'cur'), { recursive: true });
  const [dead, gone] = addresses as [string, string];
  await writeFile(
    path.join(maildir, 'new', '1.mta:2,'),
    postfixDsn('unknown-user-failed.eml', verpOf.get(dead) ?? '', dead, 1),
  );
  await writeFile(
    path.join(maildir, 'new', '2.mta:2,'),
    postfixDsn('unreachable-failed.eml', verpOf.get(gone) ?? '', gone, 2),
  );
  await copyFile(path.join(handwritten, 'auto-reply.eml'), path.join(maildir, 'cur', '3.mta:2,S'));
  return { root, env, dbFile, dead, gone, addresses };
}

describe('storyline bounces import', () => {
  it('applies a Maildir’s DSNs to archive/ without a store, prints the counts, and counts a second import as duplicates', async () => {
    const { root, env } = await sentWithBounceMaildir({ embeddedStore: false });
    const first = await runCli(['bounces', 'import', 'bounce-mail'], { cwd: root, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(
      '3 messages (maildir), 2 events: 2 applied, 0 duplicates, 0 unmatched',
    );
    expect(first.stdout).toContain('ignored: 1 auto-reply');
    expect(first.stdout).toContain('recorded in archive/suppressions.jsonl');
    const suppressions = await readFile(path.join(root, 'archive', 'suppressions.jsonl'), 'utf8');
    expect(suppressions.trim().split('\n')).toHaveLength(2);

    const again = await runCli(['bounces', 'import', 'bounce-mail'], { cwd: root, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('2 events: 0 applied, 2 duplicates, 0 unmatched');

    const status = await runCli(['status'], { cwd: root, env });
    const row = status.stdout.split('\n').find((line) => line.includes(firstEdition)) ?? '';
    expect(row).toMatch(/2 \(66\.7%\)\s+0\s+0$/);
  });

  it('records in the embedded store when it exists, and status and list read the same store', async () => {
    const { root, env, dbFile, dead, gone, addresses } = await sentWithBounceMaildir({
      embeddedStore: true,
    });
    const imported = await runCli(['bounces', 'import', 'bounce-mail'], { cwd: root, env });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('2 applied');
    expect(imported.stdout).toContain('recorded in the subscriber store (sqlite)');
    const store = await openStore({ engine: 'sqlite', file: dbFile });
    try {
      expect((await findSubscriber(store, dead))?.status).toBe('bounced');
      expect((await findSubscriber(store, gone))?.status).toBe('bounced');
      expect((await findSubscriber(store, addresses[2] ?? ''))?.status).toBe('active');
    } finally {
      await store.close();
    }
    const status = await runCli(['status'], { cwd: root, env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/1 active/);
    expect(status.stdout).toMatch(/2 bounced/);
    const row = status.stdout.split('\n').find((line) => line.includes(firstEdition)) ?? '';
    expect(row).toMatch(/2 \(66\.7%\)\s+0\s+0$/);
  });

  it('exits 1 naming a path that cannot be read, 2 without a PATH', async () => {
    const { root } = await sendFixture(0);
    const env = { STORYLINE_SECRET: secret };
    const missing = await runCli(['bounces', 'import', 'no-such-mailbox'], { cwd: root, env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read no-such-mailbox');
    const bare = await runCli(['bounces', 'import'], { cwd: root, env });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('without a PATH');
    const mixed = await runCli(['bounces', 'import', 'x', '--edition', 'e'], { cwd: root, env });
    expect(mixed.code).toBe(2);
  });
});
