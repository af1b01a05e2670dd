import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import type { JournalRecord } from '../../src/ledger/journalLine.js';
import { secretId } from '../../src/ledger/secretId.js';
import type { Suppression } from '../../src/ledger/suppressions.js';
import { updateMd } from '../helpers/fixture.js';
import { journalRecords } from '../helpers/journalRecords.js';
import { addressesFoundUnder, secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

/** A fixed share of addresses, chosen by a digest of the address (not its place in the list). */
function bucket(address: string): number {
  return (createHash('sha256').update(address).digest().readUInt16BE(0) % 1000) / 10;
}
const greylisted = (address: string) => bucket(address) < 10;
const unknown = (address: string) => bucket(address) >= 99;

async function journalOf(root: string, editionId: string): Promise<Map<string, JournalRecord[]>> {
  const file = path.join(root, 'archive', editionId, 'deliveries.jsonl');
  const byHash = new Map<string, JournalRecord[]>();
  for (const entry of await journalRecords(file, secretId(secret))) {
    byHash.set(entry.hash, [...(byHash.get(entry.hash) ?? []), entry]);
  }
  return byHash;
}

describe('a send through a faulty server', () => {
  // Refused once, a run's retries get them through; refused 4 times (as many
  // tries as a run makes with `retries: 3`), they are deferred to the next run.
  it.for([
    { refusals: 1, nextEdition: true },
    { refusals: 4, nextEdition: false },
  ])(
    'delivers every 451 address in the end (refused $refusals time(s)), records 550s without retrying them, and mails everyone else once',
    { timeout: 120_000 },
    async ({ refusals, nextEdition }) => {
      const sink = await startSmtpSink({
        // 10% are refused for now on their first tries; 1% do not exist.
        onRcpt: (address, attempt) =>
          unknown(address)
            ? { code: 550, message: '5.1.1 No such user' }
            : greylisted(address) && attempt <= refusals
              ? { code: 451, message: '4.7.1 Greylisted, try again later' }
              : undefined,
        dropEvery: 300,
      });
      const { root, addresses } = await sendFixture(1000);
      const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
      const soft = addresses.filter(greylisted);
      const hard = addresses.filter(unknown);
      const others = addresses.filter((a) => !greylisted(a) && !unknown(a));
      try {
        const runs: { code: number; deferred: number }[] = [];
        let result: Awaited<ReturnType<typeof sendInProcess>>;
        do {
          result = await sendInProcess(root, env);
          const deferred = Number(/^ {2}deferred +(\d+)$/m.exec(result.stdout)?.[1] ?? 0);
          runs.push({ code: result.code, deferred });
        } while (result.code === 1 && (runs.at(-1)?.deferred ?? 0) > 0 && runs.length < 5);
        const counts = sink.countByAddress();
        console.log(
          `faults, 451 ${refusals} time(s): ${soft.length} answered 451 first, ${hard.length} answered 550, ${others.length} others; ${sink.dropped} connections dropped; ${runs.length} run(s): ${runs.map((r) => `exit ${r.code}, ${r.deferred} deferred`).join('; ')}; ${sink.messages.length} messages accepted`,
        );
        expect(soft.length).toBeGreaterThan(50);
        expect(hard.length).toBeGreaterThan(3);
        expect(sink.dropped).toBeGreaterThanOrEqual(3);
        expect(result.code, result.stderr).toBe(0);

        expect(soft.filter((a) => counts.get(a) !== 1)).toEqual([]);
        for (const address of soft)
          expect(sink.rcptAttempts.get(address), address).toBeGreaterThan(refusals);
        if (refusals >= 4) expect(runs.length).toBeGreaterThanOrEqual(2);
        expect(others.filter((a) => counts.get(a) !== 1)).toEqual([]);
        expect(hard.filter((a) => counts.has(a))).toEqual([]);
        // Refused for good: asked once, across every run, never again.
        expect(hard.filter((a) => sink.rcptAttempts.get(a) !== 1)).toEqual([]);

        const journal = await journalOf(root, '2014-02-10-second-round-geneva');
        for (const address of hard) {
          const entries = journal.get(addressHash(address, secret)) ?? [];
          expect(entries.at(-1), address).toMatchObject({ status: 'failed', code: 550 });
          expect(entries.filter((e) => e.status === 'sending')).toEqual([]);
        }
        for (const address of [...soft, ...others])
          expect(journal.get(addressHash(address, secret))?.at(-1)?.status, address).toBe('sent');
        expect(result.stdout).toMatch(new RegExp(`^ {2}failed {5}${hard.length}$`, 'm'));

        const suppressions = (await readFile(path.join(root, 'archive/suppressions.jsonl'), 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Suppression);
        expect(new Set(suppressions.map((s) => s.hash))).toEqual(
          new Set(hard.map((a) => addressHash(a, secret))),
        );
        expect(suppressions.every((s) => s.reason === 'bounced')).toBe(true);
        expect((await addressesFoundUnder(path.join(root, 'archive'), addresses)).found).toEqual(
          [],
        );

        if (!nextEdition) return;
        // The next edition does not even ask the server about a hard bounce.
        await writeFile(
          path.join(root, 'updates/2014-02-12-talks-adjourn.md'),
          updateMd('date: 2014-02-12', 'The talks adjourned for the day.\n'),
        );
        const before = sink.messages.length;
        const next = await sendInProcess(root, env);
        expect(next.code, next.stderr).toBe(0);
        expect(next.stdout).toMatch(new RegExp(`^ {2}suppressed ${hard.length}$`, 'm'));
        expect(hard.filter((a) => sink.rcptAttempts.get(a) !== 1)).toEqual([]);
        expect(sink.messages.length - before).toBe(addresses.length - hard.length);
        const nextJournal = await journalOf(root, '2014-02-12-talks-adjourn');
        for (const address of hard)
          expect(nextJournal.get(addressHash(address, secret))?.at(-1)?.status).toBe('suppressed');
      } finally {
        await sink.close();
      }
    },
  );

  it('gives a recipient deferred by one run a fresh set of retries in the next', async () => {
    const { root, addresses } = await sendFixture(3);
    const [slow] = addresses as [string];
    // Refused on the 4 tries of the first run and on the first of the second.
    const sink = await startSmtpSink({
      onRcpt: (address, attempt) => (address === slow && attempt <= 5 ? { code: 451 } : undefined),
    });
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    try {
      const first = await sendInProcess(root, env);
      expect(first.code).toBe(1);
      expect(first.stderr).toContain('1 deferred after temporary failures');
      expect(sink.rcptAttempts.get(slow)).toBe(4);
      const second = await sendInProcess(root, env);
      expect(second.code, second.stderr).toBe(0);
      expect(sink.rcptAttempts.get(slow)).toBe(6);
      expect(sink.countByAddress().get(slow)).toBe(1);
    } finally {
      await sink.close();
    }
  });
});
