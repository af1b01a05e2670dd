import { secretId } from '../ledger/secretId.js';
import type { Store } from './Store.js';

/**
 * Every suppressed address hash under this secret, for a send to pass over
 * alongside `archive/suppressions.jsonl` (held like that file's: a hash is
 * 22 characters, a million of them about 80 MB at most).
 */
export async function suppressedHashes(store: Store, secret: string): Promise<Set<string>> {
  const rows = await store.db
    .selectFrom('suppressions')
    .select('hash')
    .where('key', '=', secretId(secret))
    .execute();
  return new Set(rows.map((row) => row.hash));
}
