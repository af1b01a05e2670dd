import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { run as runStatus } from '../../src/commands/statusCommand.js';
import { sendClaimedEdition } from '../../src/deliver/sendClaimedEdition.js';
import { transportFromEnv } from '../../src/deliver/transports/transportFromEnv.js';
import { journalPath } from '../../src/ledger/archivePaths.js';
import { secretId } from '../../src/ledger/secretId.js';
import { advisoryLockSpaces } from '../../src/store/advisoryLocks.js';
import { beginEditionSend } from '../../src/store/beginEditionSend.js';
import { claimDeliveries } from '../../src/store/claimDeliveries.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/Store.js';
import { registerSendWorker } from '../../src/store/sendWorker.js';
import { renderChosenEdition } from '../../src/usecases/renderChosenEdition.js';
import { captureIo } from '../helpers/captureIo.js';
import { until } from '../helpers/crashTrial.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';
import {
  dryRunCount,
  secret,
  sendFixture,
  spawnSend,
  subscribersCsv,
} from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const editionId = '2014-02-10-second-round-geneva';
const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

/** Addresses unlike the fixture's CSV, so a message to one proves the store was read. */
const members = (count: number) =>
  Array.from({ length: count }, (_, i) => `member${i}@example.net`);

/** `addresses` as active subscribers, a few hundred rows a statement. */
async function addActive(store: Store, addresses: readonly string[]): Promise<void> {
  const at = new Date(0).toISOString();
  for (let i = 0; i < addresses.length; i += 500) {
    await store.db
      .insertInto('subscribers')
      .values(
        addresses.slice(i, i + 500).map((address) => ({
          address,
          name: null,
          attributes: '{}',
          status: 'active' as const,
          source: 'import' as const,
          created_at: at,
          confirmed_at: at,
          changed_at: at,
          last_edition: null,
          last_edition_at: null,
          confirmation_mailed_at: null,
          address_hash: null,
          address_hash_key: null,
        })),
      )
      .execute();
  }
}

/** `storyline status`'s "Next:" line. */
async function statusLine(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const captured = captureIo(root, env, () => new Date());
  expect(await runStatus({ values: { root }, positionals: [], io: captured.io })).toBe(0);
  return /^Next: .*$/m.exec(captured.stdout())?.[0] ?? captured.stdout();
}

/** "this run  N sent, ..." from a send's summary. */
function sentThisRun(stdout: string): number {
  return Number(/this run\s+(\d+) sent/.exec(stdout)?.[1] ?? Number.NaN);
}

describe.skipIf('missing' in postgres)('the deliveries ledger in PostgreSQL', () => {
  const newDatabase = 'bin' in postgres ? usePostgresDatabases(postgres.bin, 'ledger') : undefined;

  async function ledgerFixture(count: number, sink: { url: string }) {
    if (!newDatabase) throw new Error('no cluster');
    const url = await newDatabase();
    const store = await openStore({ engine: 'postgres', connectionString: url });
    const addresses = members(count);
    await addActive(store, addresses);
    const { root } = await sendFixture(0, { concurrency: 10 });
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret, STORYLINE_DATABASE_URL: url };
    return { root, env, store, addresses };
  }

  it('4 send processes on one edition mail each of 2,000 subscribers exactly once, sharing the work', async () => {
    // A little slow per message, so the four overlap instead of the first taking all.
    const sink = await startSmtpSink({ delayMs: 5 });
    const { root, env, store, addresses } = await ledgerFixture(2000, sink);
    try {
      const runs = [1, 2, 3, 4].map(() => spawnSend(root, env));
      const results = await Promise.all(runs.map((run) => run.done));
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      await sink.waitForIdle();

      const counts = sink.countByAddress();
      expect(counts.size).toBe(addresses.length);
      expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
      expect(sink.messages).toHaveLength(2000);
      const perProcess = results.map((result) => sentThisRun(result.stdout));
      console.log(`sent per process: ${perProcess.join(', ')}`);
      expect(perProcess.reduce((a, b) => a + b, 0)).toBe(2000);
      expect(perProcess.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
      for (const result of results) expect(result.stdout).toContain('ledger     deliveries table');

      // The ledger is rows, not a file; the record in archive/ says complete.
      expect(existsSync(journalPath(root, editionId))).toBe(false);
      const record = JSON.parse(
        await readFile(path.join(root, 'archive', editionId, 'edition.json'), 'utf8'),
      );
      expect(record).toMatchObject({
        complete: true,
        counts: { sent: 2000, failed: 0, suppressed: 0, deferred: 0 },
      });
      const rows = await store.db
        .selectFrom('deliveries')
        .select(['status', 'attempt', 'worker'])
        .where('edition', '=', editionId)
        .execute();
      expect(rows).toHaveLength(2000);
      expect(
        rows.every((row) => row.status === 'sent' && row.attempt === 1 && row.worker === null),
      ).toBe(true);
      const workers = await store.db.selectFrom('send_workers').selectAll().execute();
      expect(workers.map((w) => w.outcome)).toEqual([
        'finished',
        'finished',
        'finished',
        'finished',
      ]);

      // A fifth run finds the edition mailed.
      const again = await spawnSend(root, env).done;
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('Nothing to send: every update has been mailed.');
      expect(sink.messages).toHaveLength(2000);
    } finally {
      await sink.close();
      await store.close();
    }
  }, 180_000);

  it("reports a killed process's unfinished rows, and another process running beside it finishes them", async () => {
    // Slow enough that the first process is still sending when both have registered, even on a loaded machine.
    const sink = await startSmtpSink({ delayMs: 60 });
    const { root, env, store, addresses } = await ledgerFixture(1000, sink);
    const doomed = spawnSend(root, env);
    const survivor = spawnSend(root, env);
    try {
      const ended = await until(sink.waitForMessages(60, 60_000), doomed.done);
      expect(ended, 'the first process ended before it could be killed').toBe(false);
      // While both run (once both have registered), status counts them from their locks.
      for (let i = 0; i < 200; i++) {
        const running = await store.db
          .selectFrom('send_workers')
          .select('id')
          .where('finished_at', 'is', null)
          .execute();
        if (running.length === 2) break;
        await sleep(50);
      }
      expect(await statusLine(root, env)).toMatch(
        new RegExp(
          `Next: ${editionId} is being sent by 2 send processes now \\(\\d+ still to go\\)`,
        ),
      );
      doomed.child.kill('SIGKILL');
      await doomed.done;
      // What the killed process held at its death: the rows it was sending to
      // are in doubt, the rest it had only claimed.
      const held = await store.db
        .selectFrom('deliveries as d')
        .innerJoin('send_workers as w', 'w.id', 'd.worker')
        .select(['d.status'])
        .where('w.pid', '=', doomed.child.pid ?? -1)
        .execute();
      const sendingAtDeath = held.filter((row) => row.status === 'sending').length;
      expect(held.length).toBeGreaterThan(0);

      const result = await survivor.done;
      expect(result.code, result.stderr).toBe(0);
      await sink.waitForIdle();
      const reported = new RegExp(
        `warning: (\\d+) recipients? (?:was|were) being sent to by a send process that stopped \\(pid ${doomed.child.pid} `,
      ).exec(result.stderr);
      if (sendingAtDeath > 0) {
        expect(reported, result.stderr).not.toBeNull();
        expect(Number(reported?.[1])).toBe(sendingAtDeath);
      }
      console.log(
        `killed process held ${held.length} rows (${sendingAtDeath} sending); the survivor said: ${result.stderr.trim()}`,
      );

      const counts = sink.countByAddress();
      expect(counts.size).toBe(addresses.length);
      const twice = [...counts].filter(([, n]) => n > 1);
      // Only those in flight at the kill can have it twice.
      expect(twice.length).toBeLessThanOrEqual(sendingAtDeath);
      expect(twice.every(([, n]) => n === 2)).toBe(true);
      const rows = await store.db
        .selectFrom('deliveries')
        .select(['status', 'in_doubt'])
        .where('edition', '=', editionId)
        .execute();
      expect(rows.filter((row) => row.status !== 'sent')).toEqual([]);
      expect(rows.filter((row) => row.in_doubt === 1)).toEqual([]);
      const workers = await store.db
        .selectFrom('send_workers')
        .select(['pid', 'outcome'])
        .orderBy('id')
        .execute();
      expect(workers.find((w) => w.pid === doomed.child.pid)?.outcome).toBe('died');
    } finally {
      // A failed expectation must not leave a sender writing into the removed fixture.
      for (const run of [doomed, survivor]) run.child.kill('SIGKILL');
      await Promise.all([doomed.done, survivor.done]);
      await sink.close();
      await store.close();
    }
  }, 180_000);

  it('a run after a kill resumes from the rows: the dry run counts what is left and the resume mails exactly that', async () => {
    const sink = await startSmtpSink({ delayMs: 20 });
    const { root, env, store, addresses } = await ledgerFixture(300, sink);
    try {
      const first = spawnSend(root, env);
      const ended = await until(sink.waitForMessages(50, 60_000), first.done);
      expect(ended).toBe(false);
      first.child.kill('SIGKILL');
      await first.done;
      await sink.waitForIdle();
      const before = sink.countByAddress();

      // Nobody is sending: status says it stopped, with what is left.
      const left =
        300 -
        (
          await store.db
            .selectFrom('deliveries')
            .select('id')
            .where('status', 'in', ['sent', 'failed', 'suppressed'])
            .execute()
        ).length;
      expect(await statusLine(root, env)).toContain(
        `Next: \`storyline send\` resumes ${editionId}, which stopped part-way (${left} still to go).`,
      );
      const count = await dryRunCount(root, env);
      expect(count).toMatchObject({ status: 'counted', total: 300 });
      if (count.status !== 'counted') throw new Error('refused');
      const finalRows = await store.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', 'in', ['sent', 'failed', 'suppressed'])
        .executeTakeFirstOrThrow();
      expect(count.done).toBe(Number(finalRows.n));
      expect(count.toSend).toBe(300 - count.done);

      const resumed = await spawnSend(root, env).done;
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(sentThisRun(resumed.stdout)).toBe(count.toSend);
      await sink.waitForIdle();
      const after = sink.countByAddress();
      expect(after.size).toBe(addresses.length);
      // Mailed twice: only those sent before the kill and unrecorded (in doubt).
      const twice = [...after].filter(([, n]) => n > 1).map(([a]) => a);
      for (const address of twice) expect(before.get(address)).toBe(1);
    } finally {
      await sink.close();
      await store.close();
    }
  }, 120_000);

  it('stopped by SIGTERM, a sender finishes what is in flight and puts back the rest untried: the next run reports no one in doubt', async () => {
    const sink = await startSmtpSink({ delayMs: 20 });
    const { root, env, store, addresses } = await ledgerFixture(300, sink);
    const first = spawnSend(root, env);
    try {
      const ended = await until(sink.waitForMessages(40, 60_000), first.done);
      expect(ended).toBe(false);
      first.child.kill('SIGTERM');
      const stoppedRun = await first.done;
      expect(stoppedRun.code).toBe(1);
      expect(stoppedRun.stderr).toContain('Stopped (interrupted)');
      const held = await store.db
        .selectFrom('deliveries')
        .select(['status', 'in_doubt'])
        .where((eb) => eb.or([eb('worker', 'is not', null), eb('in_doubt', '=', 1)]))
        .execute();
      expect(held).toEqual([]);
      const workers = await store.db.selectFrom('send_workers').select('outcome').execute();
      expect(workers).toEqual([{ outcome: 'stopped' }]);

      const resumed = await spawnSend(root, env).done;
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).not.toContain('warning');
      await sink.waitForIdle();
      const counts = sink.countByAddress();
      expect(counts.size).toBe(addresses.length);
      expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    } finally {
      first.child.kill('SIGKILL');
      await sink.close();
      await store.close();
    }
  }, 120_000);

  it('finishes an edition begun with a journal in git (split or not) from that journal, mailing nobody twice', async () => {
    // Begun from the CSV: shard 1 of 2 sent, and unsplit in another root with
    // half the list deferred by the relay.
    let deferring = true;
    const sink = await startSmtpSink({
      onRcpt: (address) =>
        deferring && address.endsWith('.com') ? { code: 451, message: '4.3.0 Later' } : undefined,
    });
    if (!newDatabase) throw new Error('no cluster');
    try {
      const people = (prefix: string, count: number) =>
        Array.from({ length: count }, (_, i) => `${prefix}${i}@example.${i % 2 ? 'com' : 'org'}`);
      const listed = async (addresses: string[]) => {
        const { root } = await sendFixture(0);
        await writeFile(path.join(root, 'subscribers.csv'), subscribersCsv(addresses));
        return { root, addresses };
      };
      const split = await listed(people('split', 60));
      const unsplit = await listed(people('whole', 40));
      const csvEnv = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
      const firstShard = await spawnSend(split.root, csvEnv, ['--shard', '1/2']).done;
      expect(firstShard.code, firstShard.stderr).toBe(1);
      const firstUnsplit = await spawnSend(unsplit.root, csvEnv).done;
      expect(firstUnsplit.code, firstUnsplit.stderr).toBe(1);
      deferring = false;
      await sink.waitForIdle();
      const afterCsv = sink.countByAddress();

      // Then the same people in a PostgreSQL store.
      for (const fixture of [split, unsplit]) {
        const url = await newDatabase();
        const store = await openStore({ engine: 'postgres', connectionString: url });
        await addActive(store, fixture.addresses);
        const env = { ...csvEnv, STORYLINE_DATABASE_URL: url };
        const runs = fixture === split ? [['--shard', '1/2'], [], ['--shard', '2/2']] : [[]];
        for (const args of runs) {
          const result = await spawnSend(fixture.root, env, args).done;
          expect(result.stderr).toContain(`note: ${editionId} began with a journal in git`);
          if (fixture === split && args.length === 0) {
            // Split as it began, or not at all.
            expect(result.code).toBe(1);
            expect(result.stderr).toContain('is being sent in 2 shards');
            continue;
          }
          expect(result.code, result.stderr).toBe(0);
          expect(result.stdout).toContain('journal    archive/');
        }
        expect(await store.db.selectFrom('deliveries').selectAll().execute()).toEqual([]);
        await store.close();
      }
      await sink.waitForIdle();
      const counts = sink.countByAddress();
      expect(counts.size).toBe(100);
      expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
      expect(afterCsv.size).toBeGreaterThan(0);
    } finally {
      await sink.close();
    }
  }, 180_000);

  it('takes the rows of a sender that died after its own last look: none is left in dead hands with the run reported complete', async () => {
    const sink = await startSmtpSink();
    const { root, env, store, addresses } = await ledgerFixture(90, sink);
    const chosen = await renderChosenEdition(root, new Date(), { otherwise: 'none' });
    if (chosen.status !== 'rendered') throw new Error(`no edition: ${chosen.status}`);
    // Another sender, alive while this run looks for rows, holding 30 of them.
    const other = await openStore({
      engine: 'postgres',
      connectionString: env.STORYLINE_DATABASE_URL,
    });
    await beginEditionSend(other, {
      edition: editionId,
      key: secretId(secret),
      activeAt: new Date(),
      now: new Date(),
    });
    const doomed = await registerSendWorker(other, { edition: editionId, now: new Date(0) });
    const held = await claimDeliveries(other, {
      edition: editionId,
      worker: doomed.id,
      after: 30,
      runStartedAt: new Date(0),
      limit: 30,
      now: new Date(),
    });
    expect(held).toHaveLength(30);
    let died = false;
    try {
      const report = await sendClaimedEdition({
        root,
        rendered: chosen.rendered,
        config: chosen.project.config,
        transport: transportFromEnv(env, root, editionId),
        store,
        ledger: 'the test store',
        secret,
        signal: new AbortController().signal,
        now: () => new Date(),
        // Said once the run has claimed everything it could and sent it: the
        // other sender dies now, its 30 rows still claimed.
        onDelivered: async () => {
          if (died) return;
          died = true;
          await sql`
            select pg_terminate_backend(pid, 10000) from pg_locks
            where locktype = 'advisory' and classid = ${advisoryLockSpaces.sendWorker} and objid = ${doomed.id}
              and database = (select oid from pg_database where datname = current_database())`.execute(
            store.db,
          );
        },
      });
      expect(died).toBe(true);
      expect(report).toMatchObject({ complete: true, inOtherHands: 0, sentNow: 90 });
      const counts = sink.countByAddress();
      expect([...counts.keys()].sort()).toEqual([...addresses].sort());
      expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    } finally {
      await doomed.finish('stopped', new Date());
      await other.close();
      await sink.close();
      await store.close();
    }
  }, 60_000);

  it('refuses --shard with a PostgreSQL store (exit 2), sending and writing nothing', async () => {
    const sink = await startSmtpSink();
    const { root, env, store } = await ledgerFixture(20, sink);
    try {
      for (const args of [
        ['--shard', '1/2'],
        ['--shard', '2/2', '--dry-run'],
      ]) {
        const result = await spawnSend(root, env, args).done;
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr).toContain('--shard splits the journal in git');
        expect(result.stderr).toContain('without --shard');
      }
      expect(sink.messages).toHaveLength(0);
      expect(existsSync(path.join(root, 'archive', editionId))).toBe(false);
      expect(await store.db.selectFrom('deliveries').selectAll().execute()).toEqual([]);
    } finally {
      await sink.close();
      await store.close();
    }
  }, 60_000);
});
