import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressHash, inShard } from '../../src/ledger/addressHash.js';
import { journalPath, type Shard } from '../../src/ledger/archivePaths.js';
import type { JournalEntry } from '../../src/ledger/Journal.js';
import { secretId } from '../../src/ledger/secretId.js';
import { appendSuppression, suppressionFor } from '../../src/ledger/suppressions.js';
import { secret, sendFixture, sendInProcess, subscribersCsv } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const editionId = '2014-02-10-second-round-geneva';

/**
 * A list with everything that makes "who is sent to" more than the number
 * of rows: invalid rows, a short row, a duplicate in capitals, suppressed
 * addresses, and a journal left by an earlier run with final outcomes, a
 * message in flight and a deferral.
 */
async function messyEdition(shard: Shard | undefined): Promise<{ root: string; ours: string[] }> {
  const { root } = await sendFixture(0);
  const good = Array.from({ length: 60 }, (_, i) => `reader${i + 1}@example.org`);
  const csv = subscribersCsv(good).split('\n');
  csv.splice(5, 0, 'not-an-address,Nobody', 'ada@,Nobody', 'only-one-value@example.org');
  csv.splice(20, 0, `${good[3]?.toUpperCase()},Shouting Duplicate`);
  await writeFile(path.join(root, 'subscribers.csv'), csv.join('\n'));

  const ours = good.filter((a) => inShard(a, secret, shard));
  const when = new Date('2026-01-01T00:00:00Z');
  // Suppressed: two of ours, and one address not on the list at all.
  for (const address of [ours[0], ours[1], 'gone@example.org']) {
    await appendSuppression(root, suppressionFor(String(address), 'unsubscribed', secret, when));
  }
  const key = secretId(secret);
  const line = (address: string | undefined, status: JournalEntry['status'], attempt = 1) =>
    JSON.stringify({
      at: when.toISOString(),
      hash: addressHash(String(address), secret),
      status,
      attempt,
      key,
    });
  const journal = journalPath(root, editionId, shard);
  await mkdir(path.dirname(journal), { recursive: true });
  await writeFile(
    journal,
    [
      line(ours[2], 'sending'),
      line(ours[2], 'sent'),
      line(ours[3], 'failed'),
      // A suppressed address that already had its outcome counts as done.
      line(ours[1], 'sent'),
      line(ours[4], 'sending'),
      line(ours[5], 'deferred', 4),
      line(ours[6], 'retrying'),
      '',
    ].join('\n'),
  );
  return { root, ours };
}

describe('the recipient queue, shared by send and --dry-run', () => {
  for (const shard of [undefined, { index: 1, count: 2 }, { index: 2, count: 2 }]) {
    it(`a dry run's "would go to N" is the number a send then mails (${shard ? `shard ${shard.index}/${shard.count}` : 'unsharded'})`, async () => {
      const sink = await startSmtpSink();
      try {
        const { root, ours } = await messyEdition(shard);
        const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
        const dry = await sendInProcess(root, env, { dryRun: true, ...(shard ? { shard } : {}) });
        expect(dry.code, dry.stderr).toBe(0);
        const counted =
          /would go to (\d+) of (\d+) subscribers .*\((\d+) already done, (\d+) suppressed\)/.exec(
            dry.stdout,
          );
        expect(counted, dry.stdout).not.toBeNull();
        const [, wouldGo, total, done, suppressed] = (counted ?? []).map(Number);
        expect(sink.messages).toHaveLength(0);

        const sent = await sendInProcess(root, env, shard ? { shard } : {});
        expect(sent.code, sent.stderr).toBe(0);
        expect(sink.messages.length).toBe(wouldGo);
        // The filters all took part: ours minus three with a final outcome,
        // minus one suppressed (the other suppressed one had already been sent).
        expect({ wouldGo, total, done, suppressed }).toEqual({
          wouldGo: ours.length - 4,
          total: ours.length,
          done: 3,
          suppressed: 1,
        });
      } finally {
        await sink.close();
      }
    });
  }
});
