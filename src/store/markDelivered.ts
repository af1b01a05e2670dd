import type { Store } from './Store.js';

/** Records the last edition delivered to a subscriber (for the catch-up and digest editions to come). */
export async function markDelivered(
  store: Store,
  subscriberId: number,
  editionId: string,
  now: Date,
): Promise<void> {
  await store.db
    .updateTable('subscribers')
    .set({ last_edition: editionId, last_edition_at: now.toISOString() })
    .where('id', '=', subscriberId)
    .execute();
}
