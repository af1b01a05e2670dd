import { eventFromRow } from './rowMapping.js';
import type { Store } from './Store.js';
import type { SubscriberEvent } from './Subscriber.js';

/** A subscriber's events, oldest first. */
export async function subscriberEvents(
  store: Store,
  subscriberId: number,
): Promise<SubscriberEvent[]> {
  const rows = await store.db
    .selectFrom('subscriber_events')
    .selectAll()
    .where('subscriber_id', '=', subscriberId)
    .orderBy('id')
    .execute();
  return rows.map(eventFromRow);
}
