import { normalizeAddress } from '../util/normalizeAddress.js';
import type { Store } from './Store.js';

/** Records one edition as the last delivered to several subscribers at once, by address. */
export async function markDeliveredTo(
  store: Store,
  addresses: readonly string[],
  editionId: string,
  now: Date,
): Promise<void> {
  if (addresses.length === 0) return;
  await store.db
    .updateTable('subscribers')
    .set({ last_edition: editionId, last_edition_at: now.toISOString() })
    .where('address', 'in', addresses.map(normalizeAddress))
    .execute();
}
