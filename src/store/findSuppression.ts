import { addressHash } from '../ledger/addressHash.js';
import { secretId } from '../ledger/secretId.js';
import type { SuppressionReason } from './Database.js';
import type { Store } from './Store.js';

/** The suppression of an address under this secret, with why and when, if there is one. */
export async function findSuppression(
  store: Store,
  address: string,
  secret: string,
): Promise<{ reason: SuppressionReason; at: string } | undefined> {
  return store.db
    .selectFrom('suppressions')
    .select(['reason', 'at'])
    .where('hash', '=', addressHash(address, secret))
    .where('key', '=', secretId(secret))
    .executeTakeFirst();
}
