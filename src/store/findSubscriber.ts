import { normalizeAddress } from '../util/normalizeAddress.js';
import { subscriberFromRow } from './rowMapping.js';
import type { Store } from './Store.js';
import type { Subscriber } from './Subscriber.js';

/** The subscriber with this address (compared normalised), if any. */
export async function findSubscriber(
  store: Store,
  address: string,
): Promise<Subscriber | undefined> {
  const row = await store.db
    .selectFrom('subscribers')
    .selectAll()
    .where('address', '=', normalizeAddress(address))
    .executeTakeFirst();
  return row ? subscriberFromRow(row) : undefined;
}
