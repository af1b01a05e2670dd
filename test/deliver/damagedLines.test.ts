import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publish } from '../../src/commands/publishCommand.js';
import { addressHash } from '../../src/ledger/addressHash.js';
import { secretId } from '../../src/ledger/secretId.js';
import { captureIo } from '../helpers/captureIo.js';
import { dryRunCount, secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const editionId = '2014-02-10-second-round-geneva';
const at = '2026-01-01T00:00:00.000Z';

/** Lines a damaged journal or suppressions file may hold: JSON, but not an entry. */
const damagedLines: [string, (hash: string) => string][] = [
  ['null', () => 'null'],
  ['[1,2,3]', () => '[1,2,3]'],
  ['{"hash":123}', () => '{"hash":123}'],
  ['[]', () => '[]'],
  ['an entry without `hash`', () => JSON.stringify({ at, status: 'sent', reason: 'bounced' })],
  [
    'an entry whose `at` is a number',
    (hash) => JSON.stringify({ at: 1, hash, status: 'sent', reason: 'bounced' }),
  ],
];

const crash = /Cannot read properties|is not a function|is not iterable|TypeError/;

describe.each(damagedLines)('a line holding %s', (_name, damaged) => {
  it('in deliveries.jsonl: reported at its line, its recipient sent again and counted, the rest skipped', async () => {
    const sink = await startSmtpSink();
    const { root, addresses } = await sendFixture(8);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    try {
      // A run stopped after three recipients; the second one's outcome is damaged.
      const [first, second, third] = addresses.map((a) => addressHash(a, secret));
      const key = secretId(secret);
      const sentLine = (hash: string | undefined) =>
        JSON.stringify({ at, hash, status: 'sent', attempt: 1, key });
      const journal = path.join(root, 'archive', editionId, 'deliveries.jsonl');
      await mkdir(path.dirname(journal), { recursive: true });
      await writeFile(
        journal,
        `${[sentLine(first), damaged(second as string), sentLine(third)].join('\n')}\n`,
      );

      const dryRun = await dryRunCount(root, env);
      expect(dryRun).toMatchObject({ status: 'counted', toSend: 6, total: 8, listProblems: [] });

      const result = await sendInProcess(root, env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`archive/${editionId}/deliveries.jsonl:2: Unexpected`);
      expect(result.stderr).toContain(
        'warning: 1 line of the delivery journal could not be read; those recipients are sent again',
      );
      expect(result.stderr).not.toMatch(crash);
      const counts = sink.countByAddress();
      expect(counts.get(addresses[0] as string)).toBeUndefined();
      expect(counts.get(addresses[1] as string)).toBe(1);
      expect(counts.get(addresses[2] as string)).toBeUndefined();
      expect(sink.messages).toHaveLength(6);
      expect(result.stdout).toMatch(/sent +8\n/);
    } finally {
      await sink.close();
    }
  });

  it('in suppressions.jsonl: reported at its line and skipped; the others still honoured', async () => {
    const sink = await startSmtpSink();
    const { root, addresses } = await sendFixture(4);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret, STORYLINE_SUBSCRIBERS: '' };
    try {
      const [first, second] = addresses.map((a) => addressHash(a, secret));
      const suppressed = (hash: string | undefined) =>
        JSON.stringify({ hash, reason: 'unsubscribed', at, key: secretId(secret) });
      await mkdir(path.join(root, 'archive'), { recursive: true });
      await writeFile(
        path.join(root, 'archive', 'suppressions.jsonl'),
        `${suppressed(first)}\n${damaged(second as string)}\n`,
      );
      const io = captureIo(root, env, () => new Date());
      const code = await publish({ root, io: io.io });
      expect(code, io.stderr()).toBe(0);
      expect(io.stderr()).toMatch(
        /archive\/suppressions\.jsonl:2: Unexpected .*; this line is skipped/,
      );
      expect(io.stderr()).not.toMatch(crash);
      const counts = sink.countByAddress();
      expect(counts.get(addresses[0] as string)).toBeUndefined();
      expect(addresses.slice(1).filter((a) => counts.get(a) !== 1)).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});

describe('a suppressions line whose `key` is not a string', () => {
  it('is a damaged line, skipped with its line number, not an entry from another secret that stops the send', async () => {
    const sink = await startSmtpSink();
    const { root, addresses } = await sendFixture(3);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    try {
      const hash = addressHash(addresses[0] as string, secret);
      await mkdir(path.join(root, 'archive'), { recursive: true });
      await writeFile(
        path.join(root, 'archive', 'suppressions.jsonl'),
        `${JSON.stringify({ hash, reason: 'bounced', at, key: 123 })}\n`,
      );
      const result = await sendInProcess(root, env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(
        'archive/suppressions.jsonl:1: Unexpected `key`, expected the secret fingerprint; this line is skipped',
      );
      expect(result.stderr).not.toContain('another STORYLINE_SECRET');
      expect(sink.messages).toHaveLength(3);
    } finally {
      await sink.close();
    }
  });
});
