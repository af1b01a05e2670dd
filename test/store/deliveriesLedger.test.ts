import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { advisoryLockSpaces } from '../../src/store/advisoryLocks.js';
import { beginEditionSend, OtherSecretInStoreError } from '../../src/store/beginEditionSend.js';
import { claimDeliveries, claimStatement } from '../../src/store/claimDeliveries.js';
import { DeliveryWriter, LostClaimError } from '../../src/store/DeliveryWriter.js';
import { deliveryCounts } from '../../src/store/deliveryCounts.js';
import { eraseSubscriber } from '../../src/store/eraseSubscriber.js';
import { openStore } from '../../src/store/openStore.js';
import { recoverStoppedWorkers } from '../../src/store/recoverStoppedWorkers.js';
import { returnClaims } from '../../src/store/returnClaims.js';
import type { Store } from '../../src/store/Store.js';
import { registerSendWorker } from '../../src/store/sendWorker.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { withEditionRecordLock } from '../../src/store/withEditionRecordLock.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

const edition = '2014-02-10-second-round-geneva';
const now = new Date('2014-02-10T12:00:00.000Z');

describe.skipIf('missing' in postgres)('the deliveries ledger, statement by statement', () => {
  const newDatabase = 'bin' in postgres ? usePostgresDatabases(postgres.bin, 'rows') : undefined;

  /** Two connections pools on one new database: two send processes, as PostgreSQL sees them. */
  async function twoProcesses(subscribers: number): Promise<[Store, Store]> {
    if (!newDatabase) throw new Error('no cluster');
    const url = await newDatabase();
    const first = await openStore({ engine: 'postgres', connectionString: url });
    const second = await openStore({ engine: 'postgres', connectionString: url });
    for (let i = 0; i < subscribers; i++)
      await upsertSubscriber(first, {
        address: `r${i}@example.net`,
        status: 'active',
        source: 'import',
        now: new Date(0),
      });
    return [first, second];
  }

  const begin = (store: Store, key = 'key-1') =>
    beginEditionSend(store, { edition, key, activeAt: now, now });

  it('makes the rows once when several processes begin the edition together, and refuses another secret', async () => {
    const [a, b] = await twoProcesses(30);
    try {
      const begun = await Promise.all([begin(a), begin(b), begin(a), begin(b)]);
      expect(begun.map((x) => x.total)).toEqual([30, 30, 30, 30]);
      expect((await deliveryCounts(a, edition)).pending).toBe(30);
      await expect(begin(b, 'key-2')).rejects.toBeInstanceOf(OtherSecretInStoreError);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('claims a batch by walking an index in id order, not by sorting the edition, right after the rows are made', async () => {
    if (!newDatabase) throw new Error('no cluster');
    const store = await openStore({ engine: 'postgres', connectionString: await newDatabase() });
    try {
      // Many rows in one statement (one upsert each would take a while).
      await sql`insert into subscribers (address, status, source, attributes, created_at, changed_at)
        select 'r' || i || '@example.net', 'active', 'import', '{}', ${new Date(0).toISOString()}, ${new Date(0).toISOString()}
        from generate_series(1, 20000) as i`.execute(store.db);
      expect((await begin(store)).total).toBe(20_000);
      // The planner knows the rows are there from the first claim on, not
      // only once autovacuum gets to the table: without statistics, at a
      // million rows, it fetched and sorted every open row for each batch.
      const { rows: stats } = await sql<{ reltuples: number }>`
        select reltuples from pg_class where relname = 'deliveries'`.execute(store.db);
      expect(Number(stats[0]?.reltuples)).toBe(20_000);
      const plan = async (after: number) => {
        const statement = claimStatement({
          edition,
          worker: 1,
          after,
          runStartedAt: now,
          limit: 50,
          now,
        });
        const { rows } = await sql<{
          'QUERY PLAN': string;
        }>`explain (format text) ${statement}`.execute(store.db);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      };
      for (const after of [0, 10_000]) {
        const text = await plan(after);
        // The pick: an ordered index scan under the lock, stopped at the limit;
        // no bitmap scan of every open row and no sort of them.
        const pick = text.slice(text.indexOf('CTE picked'), text.indexOf('CTE claimed'));
        expect(pick).toMatch(/LockRows[\s\S]*Index Scan using/);
        expect(pick).not.toMatch(/Sort|Bitmap/);
      }
    } finally {
      await store.close();
    }
  });

  it('lets one process at a time read the counts and write the record of an edition', async () => {
    const [a, b] = await twoProcesses(0);
    try {
      const events: string[] = [];
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let firstIn = () => {};
      const firstStarted = new Promise<void>((resolve) => {
        firstIn = resolve;
      });
      const first = withEditionRecordLock(a, edition, async () => {
        events.push('first in');
        firstIn();
        await held;
        events.push('first out');
      });
      await firstStarted;
      const second = withEditionRecordLock(b, edition, async () => {
        events.push('second in');
      });
      // Another edition is not held up.
      await withEditionRecordLock(b, 'another-edition', async () => {
        events.push('other edition');
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(events).toEqual(['first in', 'other edition']);
      release();
      await Promise.all([first, second]);
      expect(events).toEqual(['first in', 'other edition', 'first out', 'second in']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("keeps an erased person's row, without them: a claim finds nobody to send to", async () => {
    const [a, b] = await twoProcesses(3);
    try {
      await begin(a);
      expect(await eraseSubscriber(a, 'r1@example.net', { secret: 's', source: 'cli', now })).toBe(
        'erased',
      );
      const w = await registerSendWorker(a, { edition, now });
      const rows = await claimDeliveries(a, {
        edition,
        worker: w.id,
        after: 0,
        runStartedAt: now,
        limit: 10,
        now,
      });
      expect(rows.map((row) => row.subscriber?.address)).toEqual([
        'r0@example.net',
        undefined,
        'r2@example.net',
      ]);
      await w.finish('stopped', now);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('claims never hand one row to two processes', async () => {
    const [a, b] = await twoProcesses(200);
    try {
      await begin(a);
      const wa = await registerSendWorker(a, { edition, now });
      const wb = await registerSendWorker(b, { edition, now });
      const claim = (store: Store, worker: number, after: number) =>
        claimDeliveries(store, { edition, worker, after, runStartedAt: now, limit: 7, now });
      const seen = new Map<number, number>();
      const after = new Map([
        [wa.id, 0],
        [wb.id, 0],
      ]);
      for (;;) {
        const batches = await Promise.all([
          claim(a, wa.id, after.get(wa.id) ?? 0),
          claim(b, wb.id, after.get(wb.id) ?? 0),
        ]);
        for (const [i, rows] of batches.entries()) {
          const worker = i === 0 ? wa.id : wb.id;
          for (const row of rows) seen.set(row.id, (seen.get(row.id) ?? 0) + 1);
          const last = rows.at(-1);
          if (last) after.set(worker, last.id);
        }
        if (batches.every((rows) => rows.length === 0)) break;
      }
      expect(seen.size).toBe(200);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      await wa.finish('finished', now);
      await wb.finish('finished', now);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("leaves a live process's rows alone, and puts a gone one's back: in doubt where it was sending", async () => {
    const [a, b] = await twoProcesses(10);
    try {
      await begin(a);
      const wa = await registerSendWorker(a, { edition, now });
      const wb = await registerSendWorker(b, { edition, now });
      const rows = await claimDeliveries(a, {
        edition,
        worker: wa.id,
        after: 0,
        runStartedAt: now,
        limit: 4,
        now,
      });
      const writer = new DeliveryWriter(a, wa.id, () => now);
      await Promise.all([
        writer.sending(rows[0]?.id ?? -1, 'h0'),
        writer.sending(rows[1]?.id ?? -1, 'h1'),
      ]);
      await writer.settle(rows[1]?.id ?? -1, { status: 'sent', code: 250 });

      // Alive (its session holds the lock), however long it takes.
      expect(await recoverStoppedWorkers(b, { edition, self: wb.id, now })).toEqual([]);
      expect((await deliveryCounts(b, edition)).claimed).toBe(2);

      // Its session ends as a killed process's does: the lock is free (the
      // timeout waits for the backend to be gone, not just told to go).
      const { rows: ended } = await sql<{ ended: boolean }>`
        select pg_terminate_backend(pid, 10000) as ended from pg_locks
        where locktype = 'advisory' and classid = ${advisoryLockSpaces.sendWorker} and objid = ${wa.id}
          and database = (select oid from pg_database where datname = current_database())`.execute(
        b.db,
      );
      expect(ended).toEqual([{ ended: true }]);
      const found = await recoverStoppedWorkers(b, { edition, self: wb.id, now });
      expect(found).toMatchObject([{ id: wa.id, inDoubt: 1, untried: 2 }]);
      const counts = await deliveryCounts(b, edition);
      expect(counts).toMatchObject({ pending: 9, sent: 1, claimed: 0, sending: 0 });
      const doubted = await b.db
        .selectFrom('deliveries')
        .select(['id', 'attempt'])
        .where('in_doubt', '=', 1)
        .execute();
      expect(doubted).toEqual([{ id: rows[0]?.id, attempt: 1 }]);
      // Found once: a second look finds nobody.
      expect(await recoverStoppedWorkers(b, { edition, self: wb.id, now })).toEqual([]);
      await wb.finish('finished', now);
      // The gone process holds nothing any more: its own finish puts nothing back.
      expect(await wa.finish('stopped', now)).toEqual({ inDoubt: 0, untried: 0 });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses new claims to a process found gone whose session ended while it ran on: nothing is left claimed by it', async () => {
    const [a, b] = await twoProcesses(10);
    await begin(a);
    const wa = await registerSendWorker(a, { edition, now });
    const wb = await registerSendWorker(b, { edition, now });
    try {
      const claim = () =>
        claimDeliveries(a, { edition, worker: wa.id, after: 0, runStartedAt: now, limit: 4, now });
      await claim();
      // Its lock's session ends (a dropped connection, an idle timeout), yet the process runs on.
      await sql`
        select pg_terminate_backend(pid, 10000) from pg_locks
        where locktype = 'advisory' and classid = ${advisoryLockSpaces.sendWorker} and objid = ${wa.id}
          and database = (select oid from pg_database where datname = current_database())`.execute(
        b.db,
      );
      expect(await recoverStoppedWorkers(b, { edition, self: wb.id, now })).toMatchObject([
        { id: wa.id, untried: 4 },
      ]);
      // Rows it claimed now could never be recovered again: the claim is refused.
      await expect(claim()).rejects.toBeInstanceOf(LostClaimError);
      expect(await deliveryCounts(b, edition)).toMatchObject({ pending: 10, claimed: 0 });
    } finally {
      await wb.finish('finished', now);
      // Lets go of its lock's connection, or closing the pool would wait for it.
      await wa.finish('stopped', now);
      await a.close();
      await b.close();
    }
  });

  it('a process found stopped that finishes while another recovers it waits for it, without a deadlock', async () => {
    const [a, b] = await twoProcesses(5);
    await begin(a);
    const wa = await registerSendWorker(a, { edition, now });
    let finishing: Promise<unknown> | undefined;
    try {
      await claimDeliveries(a, {
        edition,
        worker: wa.id,
        after: 0,
        runStartedAt: now,
        limit: 3,
        now,
      });
      // The other process recovers it, statement by statement as `recoverStoppedWorkers` does,
      // and its own finish starts in the middle.
      const recovered = await b.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('send_workers')
          .set({ finished_at: now.toISOString(), outcome: 'died' })
          .where('id', '=', wa.id)
          .where('finished_at', 'is', null)
          .execute();
        finishing = wa.finish('stopped', now);
        for (let waiting = 0; waiting === 0; ) {
          const { rows } = await sql<{ waiting: string }>`
            select count(*) as waiting from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(a.db);
          waiting = Number(rows[0]?.waiting);
        }
        return returnClaims(trx, wa.id);
      });
      expect(recovered).toEqual({ inDoubt: 0, untried: 3 });
      expect(await finishing).toEqual({ inDoubt: 0, untried: 0 });
      expect(await deliveryCounts(b, edition)).toMatchObject({ pending: 5, claimed: 0 });
    } finally {
      await (finishing ?? wa.finish('stopped', now)).catch(() => {});
      await a.close();
      await b.close();
    }
  });

  it('refuses to write over rows another process took over (LostClaimError)', async () => {
    const [a, b] = await twoProcesses(3);
    try {
      await begin(a);
      const wa = await registerSendWorker(a, { edition, now });
      const [row] = await claimDeliveries(a, {
        edition,
        worker: wa.id,
        after: 0,
        runStartedAt: now,
        limit: 1,
        now,
      });
      const stranger = new DeliveryWriter(b, wa.id + 1000, () => now);
      await expect(stranger.sending(row?.id ?? -1, 'h')).rejects.toBeInstanceOf(LostClaimError);
      await expect(stranger.settle(row?.id ?? -1, { status: 'sent' })).rejects.toBeInstanceOf(
        LostClaimError,
      );
      expect((await deliveryCounts(b, edition)).claimed).toBe(1);
      // A process that stops puts back what it held and did not try.
      expect(await wa.finish('stopped', now)).toEqual({ inDoubt: 0, untried: 1 });
      expect((await deliveryCounts(b, edition)).pending).toBe(3);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
