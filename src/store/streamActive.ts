import { sql } from 'kysely';
import { subscriberFromRow } from './rowMapping.js';
import type { Store } from './Store.js';
import type { Subscriber } from './Subscriber.js';

/**
 * Every active subscriber once, in id order, read `pageSize` at a time by
 * keyset (`id > last id seen`), so a list of millions is never in memory
 * and each page is an index range scan however deep into the list it is
 * (an OFFSET would rescan every row before it). A subscriber activated
 * while this runs is included if their id is still ahead; one deactivated
 * is skipped if not yet read.
 *
 * With `activeAt` (an edition's start), only those active by then: confirmed
 * (or, never confirmed, created) at or before it, so someone confirmed while
 * an edition is sending is not added half-way, and a resumed run sees the
 * same list.
 */
export async function* streamActive(
  store: Store,
  pageSize = 1000,
  activeAt?: Date,
): AsyncGenerator<Subscriber> {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new RangeError(`Unexpected page size ${pageSize}, expected a whole number of at least 1`);
  }
  let after = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom('subscribers')
      .selectAll()
      .where('status', '=', 'active')
      .where('id', '>', after)
      .$if(activeAt !== undefined, (query) =>
        // ISO 8601 times in UTC, all the same length: text order is time order.
        query.where(
          sql<string>`coalesce(confirmed_at, created_at)`,
          '<=',
          activeAt?.toISOString() ?? '',
        ),
      )
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield subscriberFromRow(row);
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]?.id);
  }
}
