import { addressHash } from '../ledger/addressHash.js';
import { secretId } from '../ledger/secretId.js';
import type { Store } from './Store.js';

/**
 * Fills in `subscribers.address_hash` for rows without one under the
 * current key (new since the last call, or hashed under an older secret), a
 * thousand at a time, so a bounce that names a hash finds its subscriber by
 * index. The schema cannot do it: the key is `STORYLINE_SECRET`, which only
 * the process has. Given `after` (the `through` of an earlier call under
 * the same secret), only rows with a larger id are looked at: ids only grow
 * and an address never changes under its id, so a caller that indexes
 * before every batch (the bounce policy in `serve`) reads only the rows new
 * since, not the whole table. Returns how many rows it hashed, and the
 * largest id it has seen to pass as `after` next time.
 */
export async function indexAddressHashes(
  store: Store,
  secret: string,
  after = 0,
): Promise<{ hashed: number; through: number }> {
  const key = secretId(secret);
  let hashed = 0;
  let through = after;
  for (;;) {
    const rows = await store.db
      .selectFrom('subscribers')
      .select(['id', 'address'])
      .where('id', '>', through)
      .where((eb) => eb.or([eb('address_hash_key', 'is', null), eb('address_hash_key', '!=', key)]))
      .orderBy('id')
      .limit(1000)
      .execute();
    if (rows.length === 0) {
      // Rows already hashed under this key are skipped above without being
      // read; the largest id tells the next call where new ones start.
      const last = await store.db
        .selectFrom('subscribers')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      return { hashed, through: Math.max(through, Number(last?.id ?? 0)) };
    }
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
    through = Number(rows[rows.length - 1]?.id ?? through);
  }
}
