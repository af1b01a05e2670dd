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
 */
export async function* streamActive(store: Store, pageSize = 1000): AsyncGenerator<Subscriber> {
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
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield subscriberFromRow(row);
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]?.id);
  }
}
