import { normalizeAddress } from '../util/normalizeAddress.js';
import { insertSuppression } from './addSuppression.js';
import type { SubscriberSource } from './Database.js';
import type { Store } from './Store.js';

export interface ErasureRequest {
  /** `STORYLINE_SECRET`, for the suppression that outlives the erasure. */
  secret: string;
  source: SubscriberSource;
  now: Date;
}

/**
 * Erases a person (a GDPR erasure request): their subscriber row and their
 * events, with the address, name, attributes and consent records, are
 * deleted; what stays is a suppression by address HMAC, so a later import of
 * an old list cannot mail them again, and an `erased` event that says when,
 * not whom. The suppression is added even when the address is not in the
 * store, since it may still be in a list waiting to be imported.
 */
export async function eraseSubscriber(
  store: Store,
  address: string,
  request: ErasureRequest,
): Promise<'erased' | 'not-found'> {
  const normalized = normalizeAddress(address);
  return store.db.transaction().execute(async (trx) => {
    await insertSuppression(trx, {
      address: normalized,
      reason: 'erased',
      secret: request.secret,
      now: request.now,
    });
    const subscriber = await trx
      .selectFrom('subscribers')
      .select('id')
      .where('address', '=', normalized)
      .executeTakeFirst();
    if (!subscriber) return 'not-found';
    await trx.deleteFrom('subscriber_events').where('subscriber_id', '=', subscriber.id).execute();
    await trx.deleteFrom('subscribers').where('id', '=', subscriber.id).execute();
    await trx
      .insertInto('subscriber_events')
      .values({
        subscriber_id: null,
        kind: 'erased',
        at: request.now.toISOString(),
        source: request.source,
        consent: null,
      })
      .execute();
    return 'erased';
  });
}
