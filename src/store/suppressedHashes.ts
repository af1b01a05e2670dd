import { HashPrefixMap } from '../ledger/HashPrefixMap.js';
import { secretId } from '../ledger/secretId.js';
import type { Store } from './Store.js';

/**
 * Every suppressed address hash under this secret, for a send to pass over
 * alongside `archive/suppressions.jsonl`: read `pageSize` at a time by
 * keyset on the primary key, and held as a compact set (`HashPrefixMap`,
 * about 13 bytes a hash), so a million suppressions take about 27 MB and
 * are never one array of rows.
 */
export async function suppressedHashes(
  store: Store,
  secret: string,
  pageSize = 10_000,
): Promise<HashPrefixMap> {
  const hashes = new HashPrefixMap();
  const key = secretId(secret);
  let after = '';
  for (;;) {
    const rows = await store.db
      .selectFrom('suppressions')
      .select('hash')
      .where('key', '=', key)
      .where('hash', '>', after)
      .orderBy('hash')
      .limit(pageSize)
      .execute();
    for (const row of rows) hashes.add(row.hash);
    const last = rows.at(-1);
    if (rows.length < pageSize || last === undefined) return hashes;
    after = last.hash;
  }
}
