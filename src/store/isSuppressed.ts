import { addressHash } from '../ledger/addressHash.js';
import { secretId } from '../ledger/secretId.js';
import type { Store } from './Store.js';

/** Whether the address has a suppression under this secret (one made under another key cannot match). */
export async function isSuppressed(
  store: Store,
  address: string,
  secret: string,
): Promise<boolean> {
  const row = await store.db
    .selectFrom('suppressions')
    .select('hash')
    .where('hash', '=', addressHash(address, secret))
    .where('key', '=', secretId(secret))
    .executeTakeFirst();
  return row !== undefined;
}
