import { addressHash } from '../ledger/addressHash.js';
import { secretId } from '../ledger/secretId.js';
import type { Store } from './Store.js';

/**
 * Fills in `subscribers.address_hash` for rows without one under the
 * current key (new since the last call, or hashed under an older secret), a
 * thousand at a time, so a bounce that names a hash finds its subscriber by
 * index. The schema cannot do it: the key is `STORYLINE_SECRET`, which only
 * the process has. Returns how many rows it hashed.
 */
export async function indexAddressHashes(store: Store, secret: string): Promise<number> {
  const key = secretId(secret);
  let hashed = 0;
  let after = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom('subscribers')
      .select(['id', 'address'])
      .where('id', '>', after)
      .where((eb) => eb.or([eb('address_hash_key', 'is', null), eb('address_hash_key', '!=', key)]))
      .orderBy('id')
      .limit(1000)
      .execute();
    if (rows.length === 0) return hashed;
    await store.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        await trx
          .updateTable('subscribers')
          .set({ address_hash: addressHash(row.address, secret), address_hash_key: key })
          .where('id', '=', row.id)
          .execute();
      }
    });
    hashed += rows.length;
    after = Number(rows[rows.length - 1]?.id ?? after);
  }
}
