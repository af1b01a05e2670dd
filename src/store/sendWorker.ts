import { hostname } from 'node:os';
import { sql } from 'kysely';
import { advisoryLockSpaces } from './advisoryLocks.js';
import { type ReturnedClaims, returnClaims } from './returnClaims.js';
import type { Store } from './Store.js';

/** This process, registered as working on an edition of the deliveries ledger. */
export interface SendWorker {
  id: number;
  /** Rows deferred before this moment are this run's to try again. */
  startedAt: Date;
  /**
   * Record how it ended, put back the rows it still holds (reported in the
   * result), and let go of its lock. Safe to call once.
   */
  finish(outcome: 'finished' | 'stopped', now: Date): Promise<ReturnedClaims>;
}

/**
 * Register this process as a sender of `edition` and hold, on a connection
 * of its own, a session advisory lock keyed by its id for as long as it
 * runs. The lock is taken in the transaction that inserts the row, so no
 * other process ever sees the row without the lock. When the process dies,
 * however it dies, PostgreSQL ends its session and frees the lock: that is
 * how another process tells a stopped sender from a slow one, with no
 * clock and no lease.
 */
export async function registerSendWorker(
  store: Store,
  options: { edition: string; now: Date },
): Promise<SendWorker> {
  const startedAt = options.now;
  let letGo!: () => void;
  const done = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  let id!: number;
  const registered = new Promise<void>((resolve, reject) => {
    const holding = store.db.connection().execute(async (connection) => {
      await connection.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('send_workers')
          .values({
            edition: options.edition,
            host: hostname(),
            pid: process.pid,
            started_at: startedAt.toISOString(),
            finished_at: null,
            outcome: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = Number(row.id);
        await sql`select pg_advisory_lock(${advisoryLockSpaces.sendWorker}, ${id})`.execute(trx);
      });
      resolve();
      await done;
      await sql`select pg_advisory_unlock(${advisoryLockSpaces.sendWorker}, ${id})`.execute(
        connection,
      );
    });
    holding.catch(reject);
  });
  await registered;
  let finished: Promise<ReturnedClaims> | undefined;
  return {
    id,
    startedAt,
    finish: (outcome, now) => {
      finished ??= (async () => {
        try {
          return await store.db.transaction().execute(async (trx) => {
            // The sender's row first, then its deliveries, in the order
            // `recoverStoppedWorkers` locks them: a process found stopped
            // (its session cut) that finishes while another recovers it
            // waits for it instead of deadlocking with it.
            await trx
              .updateTable('send_workers')
              .set({ finished_at: now.toISOString(), outcome })
              .where('id', '=', id)
              .execute();
            return returnClaims(trx, id);
          });
        } finally {
          letGo();
        }
      })();
      return finished;
    },
  };
}
