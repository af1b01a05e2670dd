import { sql } from 'kysely';
import { advisoryLockSpaces } from './advisoryLocks.js';
import { type ReturnedClaims, returnClaims } from './returnClaims.js';
import type { Store } from './Store.js';

/** A send process found gone, and what it left. */
export interface StoppedWorker extends ReturnedClaims {
  id: number;
  host: string;
  pid: number;
}

/**
 * Find the send processes of `edition` that stopped without finishing (their
 * advisory lock is free: their session ended) and put their rows back:
 * those they were sending to in doubt, the others as if never claimed. The
 * lock is tried inside this transaction, so of two processes recovering at
 * once only one takes each stopped sender; a live one's lock is held and it
 * is left alone, however slow it is.
 */
export async function recoverStoppedWorkers(
  store: Store,
  options: { edition: string; self: number; now: Date },
): Promise<StoppedWorker[]> {
  const candidates = await store.db
    .selectFrom('send_workers')
    .select(['id', 'host', 'pid'])
    .where('edition', '=', options.edition)
    .where('finished_at', 'is', null)
    .where('id', '!=', options.self)
    .orderBy('id')
    .execute();
  const stopped: StoppedWorker[] = [];
  for (const candidate of candidates) {
    const id = Number(candidate.id);
    const found = await store.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        gone: boolean;
      }>`select pg_try_advisory_xact_lock(${advisoryLockSpaces.sendWorker}, ${id}) as gone`.execute(
        trx,
      );
      if (!rows[0]?.gone) return undefined;
      const ended = await trx
        .updateTable('send_workers')
        .set({ finished_at: options.now.toISOString(), outcome: 'died' })
        .where('id', '=', id)
        .where('finished_at', 'is', null)
        .executeTakeFirst();
      // Another process recovered it between our read and our lock.
      if (Number(ended.numUpdatedRows) === 0) return undefined;
      return returnClaims(trx, id);
    });
    if (found) stopped.push({ id, host: candidate.host, pid: Number(candidate.pid), ...found });
  }
  return stopped;
}
