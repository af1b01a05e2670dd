import { addressHash } from '../ledger/addressHash.js';
import { secretId } from '../ledger/secretId.js';
import { normalizeAddress } from '../util/normalizeAddress.js';
import type { EventSource } from './Database.js';
import type { Store } from './Store.js';

/**
 * An unsubscribe in the store, in one transaction: the subscriber (if the
 * store holds them) becomes `unsubscribed` with its event, and the address
 * is suppressed by HMAC (whether or not it has a row). True when anything
 * changed. One commit rather than three: a one-click endpoint takes many.
 */
export async function unsubscribeSubscriber(
  store: Store,
  input: { address: string; secret: string; now: Date; source: EventSource },
): Promise<boolean> {
  const address = normalizeAddress(input.address);
  const at = input.now.toISOString();
  return store.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('subscribers')
      .set({ status: 'unsubscribed', changed_at: at })
      .where('address', '=', address)
      .where('status', '!=', 'unsubscribed')
      .returning('id')
      .executeTakeFirst();
    if (updated)
      await trx
        .insertInto('subscriber_events')
        .values({
          subscriber_id: Number(updated.id),
          kind: 'unsubscribed',
          at,
          source: input.source,
          consent: null,
        })
        .execute();
    const suppressed = await trx
      .insertInto('suppressions')
      .values({
        hash: addressHash(address, input.secret),
        key: secretId(input.secret),
        reason: 'unsubscribed',
        at,
      })
      .onConflict((conflict) => conflict.columns(['hash', 'key']).doNothing())
      .returning('hash')
      .executeTakeFirst();
    return updated !== undefined || suppressed !== undefined;
  });
}
