import { sql } from 'kysely';
import { advisoryLockSpaces } from './advisoryLocks.js';
import type { Store } from './Store.js';

/** An edition being sent from the deliveries ledger. */
export interface EditionSend {
  edition: string;
  /** Subscribers active by then are its recipients, in every process and every run. */
  activeAt: Date;
  startedAt: Date;
  /** Rows made for it when it began. */
  total: number;
}

/** An edition's deliveries were recorded under another `STORYLINE_SECRET`. */
export class OtherSecretInStoreError extends Error {
  override name = 'OtherSecretInStoreError';

  constructor(readonly edition: string) {
    super(
      `Nothing was sent: the deliveries of ${edition} in the subscriber store were recorded under a different STORYLINE_SECRET, expected the current one; its unsubscribe links and suppressions would not match. Set STORYLINE_SECRET to the secret this edition was started with, then run the send again`,
    );
  }
}

/** The edition's row in `edition_sends`, if a send from the deliveries ledger has begun it. */
export async function findEditionSend(
  store: Store,
  edition: string,
): Promise<(EditionSend & { key: string }) | undefined> {
  const row = await store.db
    .selectFrom('edition_sends')
    .selectAll()
    .where('edition', '=', edition)
    .executeTakeFirst();
  return (
    row && {
      edition: row.edition,
      activeAt: new Date(row.active_at),
      startedAt: new Date(row.started_at),
      total: Number(row.total),
      key: row.key,
    }
  );
}

/**
 * Begin an edition in the deliveries ledger, or join it. The first process
 * makes one `pending` row per subscriber active at `activeAt`, in one
 * transaction under an advisory lock on the edition, so processes starting
 * together make the rows once and every one of them finds them all; a
 * later one (another machine, a resumed run) finds the edition begun and
 * keeps its cut-off. Throws `OtherSecretInStoreError` when the edition was
 * begun under another secret (`key`, a `secretId`), before anything changes.
 */
export async function beginEditionSend(
  store: Store,
  options: { edition: string; key: string; activeAt: Date; now: Date },
): Promise<EditionSend> {
  const { edition, key } = options;
  return store.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${advisoryLockSpaces.editionRows}, hashtext(${edition}))`.execute(
      trx,
    );
    const existing = await trx
      .selectFrom('edition_sends')
      .selectAll()
      .where('edition', '=', edition)
      .executeTakeFirst();
    if (existing) {
      if (existing.key !== key) throw new OtherSecretInStoreError(edition);
      return {
        edition,
        activeAt: new Date(existing.active_at),
        startedAt: new Date(existing.started_at),
        total: Number(existing.total),
      };
    }
    const activeAt = options.activeAt.toISOString();
    // Who `streamActive` lists at the cut-off, as rows: confirmed (or, never
    // confirmed, created) by then and active now.
    const made = await sql`
      insert into deliveries (edition, subscriber_id, status)
      select ${edition}, id, 'pending' from subscribers
      where status = 'active' and coalesce(confirmed_at, created_at) <= ${activeAt}
      order by id`.execute(trx);
    const total = Number(made.numAffectedRows ?? 0n);
    // Statistics for the rows just made, before anyone claims them. Without
    // them the planner takes the new rows for a handful and claims each batch
    // of 50 by fetching and sorting every open row of the edition (at a
    // million, a sort spilled to disk per batch) until autovacuum gets to the
    // table. A role that does not own the table gets a warning from ANALYZE,
    // not an error, and the claims work as before.
    await sql`analyze deliveries`.execute(trx);
    await trx
      .insertInto('edition_sends')
      .values({
        edition,
        active_at: activeAt,
        started_at: options.now.toISOString(),
        key,
        total,
      })
      .execute();
    return { edition, activeAt: options.activeAt, startedAt: options.now, total };
  });
}
