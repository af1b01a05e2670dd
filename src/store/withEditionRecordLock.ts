import { sql } from 'kysely';
import { advisoryLockSpaces } from './advisoryLocks.js';
import type { Store } from './Store.js';

/**
 * Run `work` while no other process of this store runs it for `edition`:
 * a finishing sender reads the edition's counts and writes its record under
 * this lock, so records are written in the order their counts were read.
 * Without it, two processes finishing together on one root could read in
 * one order and write in the other: the record said 10 recipients deferred
 * for an edition every one of whose 2,000 rows was sent. `work` reads
 * through the store's pool, not the locking transaction (the pool holds
 * more than one connection).
 */
export async function withEditionRecordLock<T>(
  store: Store,
  edition: string,
  work: () => Promise<T>,
): Promise<T> {
  return store.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${advisoryLockSpaces.editionRecord}, hashtext(${edition}))`.execute(
      trx,
    );
    return work();
  });
}
