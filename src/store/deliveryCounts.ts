import type { DeliveryStatus } from './Database.js';
import type { Store } from './Store.js';

/** An edition's rows in the deliveries ledger, by status. */
export type DeliveryStatusCounts = Record<DeliveryStatus, number>;

/** How many of an edition's rows stand at each status. */
export async function deliveryCounts(store: Store, edition: string): Promise<DeliveryStatusCounts> {
  const counts: DeliveryStatusCounts = {
    pending: 0,
    claimed: 0,
    sending: 0,
    retrying: 0,
    deferred: 0,
    sent: 0,
    failed: 0,
    suppressed: 0,
  };
  const rows = await store.db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<string>().as('rows')])
    .where('edition', '=', edition)
    .groupBy('status')
    .execute();
  for (const row of rows) counts[row.status] = Number(row.rows);
  return counts;
}
