import type { SubscriberStatus } from './Database.js';
import type { Store } from './Store.js';

/** A row of an edition without a final outcome, and whom it is for (undefined once erased). */
export interface OpenDelivery {
  address: string | undefined;
  status: SubscriberStatus | undefined;
}

/**
 * The rows of an edition that have no final outcome yet, `pageSize` at a
 * time by keyset on the id, with their subscriber's address and standing:
 * what `--dry-run` counts against the suppressions.
 */
export async function* streamOpenDeliveries(
  store: Store,
  edition: string,
  pageSize = 1000,
): AsyncGenerator<OpenDelivery> {
  let after = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom('deliveries as d')
      .leftJoin('subscribers as s', 's.id', 'd.subscriber_id')
      .select(['d.id', 's.address', 's.status'])
      .where('d.edition', '=', edition)
      .where('d.id', '>', after)
      .where('d.status', 'not in', ['sent', 'failed', 'suppressed'])
      .orderBy('d.id')
      .limit(pageSize)
      .execute();
    for (const row of rows)
      yield { address: row.address ?? undefined, status: row.status ?? undefined };
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = Number(last.id);
  }
}
