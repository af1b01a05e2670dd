import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EditionRecord } from '../../src/ledger/EditionRecord.js';
import type { JournalRecord } from '../../src/ledger/journalLine.js';
import { secretId } from '../../src/ledger/secretId.js';
import { fixture } from '../helpers/fixture.js';
import { journalRecords } from '../helpers/journalRecords.js';
import { runCli } from '../helpers/runCli.js';
import { secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const edition = '2014-02-10-second-round-geneva';

async function journal(root: string): Promise<JournalRecord[]> {
  return journalRecords(path.join(root, 'archive', edition, 'deliveries.jsonl'), secretId(secret));
}

async function record(root: string): Promise<EditionRecord> {
  return JSON.parse(
    await readFile(path.join(root, 'archive', edition, 'edition.json'), 'utf8'),
  ) as EditionRecord;
}

describe('a relay that refuses us, not the recipients', () => {
  it('stops at a 5xx to MAIL FROM, recording nobody as failed or bounced', async () => {
    const sink = await startSmtpSink({
      onMailFrom: () => ({ code: 550, message: '5.7.1 Sender address rejected' }),
    });
    try {
      const { root } = await sendFixture(6);
      const result = await sendInProcess(root, {
        ...process.env,
        SMTP_URL: sink.url,
        STORYLINE_SECRET: secret,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('the relay refuses this sender or message, not a recipient');
      expect(result.stderr).toContain('resume with `storyline send`');
      expect((await journal(root)).filter((e) => e.status === 'failed')).toEqual([]);
      expect(existsSync(path.join(root, 'archive/suppressions.jsonl'))).toBe(false);
      expect((await record(root)).complete).toBe(false);
      expect(sink.messages).toHaveLength(0);
    } finally {
      await sink.close();
    }
  });

  it('stops after 10 refused recipients in a row instead of failing the whole list', async () => {
    const sink = await startSmtpSink({
      onRcpt: () => ({ code: 550, message: '5.1.1 No such user' }),
    });
    try {
      const { root } = await sendFixture(40, { concurrency: 1 });
      const result = await sendInProcess(root, {
        ...process.env,
        SMTP_URL: sink.url,
        STORYLINE_SECRET: secret,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('10 recipients in a row were refused');
      const failed = (await journal(root)).filter((e) => e.status === 'failed');
      console.log(`${failed.length} of 40 recorded as failed before the run stopped`);
      expect(failed).toHaveLength(10);
      expect((await record(root)).complete).toBe(false);
    } finally {
      await sink.close();
    }
  });

  it('gives up on a recipient refused for now on every try of three runs, so the edition can end', async () => {
    const sink = await startSmtpSink({
      onRcpt: (address) =>
        address.startsWith('reader00001')
          ? { code: 452, message: '4.2.2 Mailbox full' }
          : undefined,
    });
    try {
      const { root } = await sendFixture(3, { retries: 0 });
      const env = { ...process.env, SMTP_URL: sink.url, STORYLINE_SECRET: secret };
      const codes: number[] = [];
      for (let run = 0; run < 3; run++) codes.push((await sendInProcess(root, env)).code);
      expect(codes).toEqual([1, 1, 0]);
      const last = (await journal(root)).filter((e) => e.status === 'failed');
      expect(last).toEqual([
        expect.objectContaining({ status: 'failed', code: 452, gaveUp: true, attempt: 3 }),
      ]);
      expect((await record(root)).complete).toBe(true);
      expect(sink.rcptAttempts.get('reader00001@example.org')).toBe(3);
    } finally {
      await sink.close();
    }
  });

  it('settles when the relay cannot be reached: the run stops and says why', {
    timeout: 60_000,
  }, async () => {
    const { root } = await sendFixture(3);
    // Port 1 on loopback: nothing listens, every connection is refused.
    const result = await sendInProcess(root, {
      ...process.env,
      SMTP_URL: 'smtp://127.0.0.1:1',
      STORYLINE_SECRET: secret,
    });
    expect(result.code).toBe(1);
    // Whether it stops or defers, the reason is named: the refused connection.
    expect(result.stderr).toMatch(
      /(Stopped \(|deferred after temporary failures \(last: )[^)\n]*ECONNREFUSED[^)\n]*\)/,
    );
    expect((await journal(root)).some((e) => e.status === 'sent')).toBe(false);
  });

  it('says a relay host that does not resolve cannot be resolved, and stops', {
    timeout: 60_000,
  }, async () => {
    const { root } = await sendFixture(3);
    // `.invalid` never resolves (RFC 2606): no relay is ever reached.
    const result = await sendInProcess(root, {
      ...process.env,
      SMTP_URL: 'smtp://newsroom:S3cret-p4ss@relay.storyline-test.invalid:587',
      STORYLINE_SECRET: secret,
    });
    expect(result.code).toBe(1);
    // ENOTFOUND from a resolver that answers; EAI_AGAIN where none can be reached.
    expect(result.stderr).toMatch(
      /Stopped \(cannot resolve host relay\.storyline-test\.invalid \((ENOTFOUND|EAI_AGAIN)\): check SMTP_URL\)/,
    );
    expect(result.stderr).not.toContain('deferred after temporary failures');
    expect(result.stderr).not.toContain('S3cret-p4ss');
    expect((await journal(root)).some((e) => e.status === 'sent' || e.status === 'failed')).toBe(
      false,
    );
  });
});

describe('what a send refuses to start', () => {
  it('records nothing when the list has no email column', async () => {
    const { root } = await sendFixture(2);
    await writeFile(
      path.join(root, 'subscribers.csv'),
      'Email Address,First Name\nada@example.org,Ada\n',
    );
    const result = await runCli(['send'], { cwd: root, env: { STORYLINE_SECRET: secret } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('subscribers.csv:1:1:');
    expect(result.stderr).toContain('Nothing was sent: fix the subscriber list above');
    expect(existsSync(path.join(root, 'archive', edition))).toBe(false);
  });

  it('refuses an SMTP send when the config offers no way to unsubscribe', async () => {
    const { root } = await sendFixture(2);
    const configPath = path.join(root, 'storyline.config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    delete config.unsubscribe;
    await writeFile(configPath, JSON.stringify(config));
    const result = await sendInProcess(root, {
      ...process.env,
      SMTP_URL: 'smtp://127.0.0.1:1',
      STORYLINE_SECRET: secret,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('neither `unsubscribe.url` nor `unsubscribe.mailto`');
    expect(existsSync(path.join(root, 'archive', edition))).toBe(false);
  });

  it('treats --shard 1/1 as the whole list: the same journal and lock as a plain send', async () => {
    const { root } = await sendFixture(3);
    const result = await runCli(['send', '--shard', '1/1'], {
      cwd: root,
      env: { STORYLINE_SECRET: secret },
    });
    expect(result.code).toBe(0);
    expect(existsSync(path.join(root, 'archive', edition, 'deliveries.jsonl'))).toBe(true);
    expect(existsSync(path.join(root, 'archive', edition, 'deliveries.1-of-1.jsonl'))).toBe(false);
    const again = await runCli(['send'], { cwd: root, env: { STORYLINE_SECRET: secret } });
    expect(again.stdout).toBe('Nothing to send: every update has been mailed.\n');
  });

  it('reports a malformed URL in content at its position instead of failing later', async () => {
    const root = await fixture({
      'story.md':
        '---\ntitle: Talks\npublished: 2014-01-22\n---\n\nSee [the map](//) and [the plan](maps/a%zz.pdf).\n',
    });
    const result = await runCli(['check'], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('story.md:6:5: Unexpected malformed link URL `//`');
    expect(result.stderr).toContain('story.md:6:23: Unexpected malformed link URL `maps/a%zz.pdf`');
  });
});
