import { normalizeAddress } from '../util/normalizeAddress.js';
import { activateSubscriber } from './confirmSubscriber.js';
import type { Store } from './Store.js';

export type ResubscribeResult =
  | { kind: 'resubscribed'; subscriberId: number }
  | { kind: 'already'; subscriberId: number }
  /** Not in the store, or bounced or complained: nothing changed. */
  | { kind: 'refused' };

/**
 * The unsubscribe page's Resubscribe button: the token proved the mailbox
 * is the reader's, so they are active again at once, with a `confirmed`
 * event and the `unsubscribed` suppression lifted, in one transaction.
 */
export async function resubscribeSubscriber(
  store: Store,
  input: { address: string; now: Date; secret: string; consent: string },
): Promise<ResubscribeResult> {
  return store.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('subscribers')
      .select('id')
      .where('address', '=', normalizeAddress(input.address))
      .executeTakeFirst();
    if (!row) return { kind: 'refused' };
    const subscriberId = Number(row.id);
    const result = await activateSubscriber(trx, subscriberId, input);
    return result === 'activated'
      ? { kind: 'resubscribed', subscriberId }
      : result === 'already'
        ? { kind: 'already', subscriberId }
        : { kind: 'refused' };
  });
}
