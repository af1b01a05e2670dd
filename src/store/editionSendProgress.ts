import { sql } from 'kysely';
import { advisoryLockSpaces } from './advisoryLocks.js';
import { type DeliveryStatusCounts, deliveryCounts } from './deliveryCounts.js';
import type { Store } from './Store.js';

/** Where an edition of the deliveries ledger stands right now. */
export interface EditionSendProgress {
  total: number;
  counts: DeliveryStatusCounts;
  /** Send processes working on it now (their locks held), wherever they run. */
  senders: number;
}

/**
 * An edition's live figures from the deliveries ledger, or undefined when it
 * was not sent from it. Live senders are counted from `pg_locks`, which
 * shows whose lock is held without taking any: the server's locks, every
 * database's, so only this database's are counted (another database on the
 * same server numbers its senders from 1 too).
 */
export async function editionSendProgress(
  store: Store,
  edition: string,
): Promise<EditionSendProgress | undefined> {
  if (store.engine !== 'postgres') return undefined;
  const begun = await store.db
    .selectFrom('edition_sends')
    .select('total')
    .where('edition', '=', edition)
    .executeTakeFirst();
  if (!begun) return undefined;
  const { rows } = await sql<{ senders: string }>`
    select count(*) as senders from pg_locks l
    join send_workers w on l.classid = ${advisoryLockSpaces.sendWorker} and l.objid = w.id
    where l.locktype = 'advisory' and l.objsubid = 2 and l.granted
      and l.database = (select oid from pg_database where datname = current_database())
      and w.edition = ${edition} and w.finished_at is null`.execute(store.db);
  return {
    total: Number(begun.total),
    counts: await deliveryCounts(store, edition),
    senders: Number(rows[0]?.senders ?? 0),
  };
}
