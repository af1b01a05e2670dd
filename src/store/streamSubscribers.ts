import type { SubscriberStatus } from './Database.js';
import { subscriberFromRow } from './rowMapping.js';
import type { Store } from './Store.js';
import type { Subscriber } from './Subscriber.js';

/**
 * Every subscriber (or every one with `status`) once, in id order, read by
 * keyset like `streamActive`, so an export of millions never holds the list.
 */
export async function* streamSubscribers(
  store: Store,
  options: { status?: SubscriberStatus | undefined; pageSize?: number } = {},
): AsyncGenerator<Subscriber> {
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new RangeError(`Unexpected page size ${pageSize}, expected a whole number of at least 1`);
  }
  let after = 0;
  for (;;) {
    let query = store.db
      .selectFrom('subscribers')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize);
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    const rows = await query.execute();
    for (const row of rows) yield subscriberFromRow(row);
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]?.id);
  }
}
