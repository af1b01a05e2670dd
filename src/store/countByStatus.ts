import { type SubscriberStatus, subscriberStatuses } from './Database.js';
import type { Store } from './Store.js';

/** How many subscribers have each status (every status present, zero if none). */
export async function countByStatus(store: Store): Promise<Record<SubscriberStatus, number>> {
  const rows = await store.db
    .selectFrom('subscribers')
    .select((eb) => ['status', eb.fn.countAll().as('count')])
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(subscriberStatuses.map((status) => [status, 0])) as Record<
    SubscriberStatus,
    number
  >;
  // PostgreSQL's count is a bigint, which pg returns as a string.
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}
