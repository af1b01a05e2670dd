import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretId } from '../../src/ledger/secretId.js';
import { dryRunCount, secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const editionId = '2014-02-10-second-round-geneva';

// A completed shard's journal is compacted while the edition is still in
// progress, so the same shard can be counted and run again.
describe('a completed shard with its journal compacted', () => {
  it('is counted all done by --dry-run, and a re-run mails nobody', async () => {
    const sink = await startSmtpSink();
    const { root, addresses } = await sendFixture(50);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    try {
      const shard = { index: 1, count: 2 };
      const first = await sendInProcess(root, env, { shard });
      expect(first.code, first.stderr).toBe(0);
      const mailed = sink.messages.length;
      expect(mailed).toBeGreaterThan(0);
      const journal = path.join(root, 'archive', editionId, 'deliveries.1-of-2.jsonl');
      const [header, ...lines] = (await readFile(journal, 'utf8')).trim().split('\n');
      expect(JSON.parse(header ?? '')).toMatchObject({
        journal: 'compacted',
        key: secretId(secret),
        edition: editionId,
        counts: { sent: mailed },
      });
      expect(lines).toHaveLength(mailed);
      expect(lines.every((line) => /^[\w-]{22}s$/.test(line))).toBe(true);

      const dry = await dryRunCount(root, env, shard);
      expect(dry).toMatchObject({ status: 'counted', total: mailed, done: mailed, toSend: 0 });

      const again = await sendInProcess(root, env, { shard });
      expect(again.code, again.stderr).toBe(0);
      expect(sink.messages).toHaveLength(mailed);
      // The other shard completes the edition; everyone is mailed once.
      expect((await sendInProcess(root, env, { shard: { index: 2, count: 2 } })).code).toBe(0);
      const counts = sink.countByAddress();
      expect(addresses.filter((a) => counts.get(a) !== 1)).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});
