import type { Kysely } from 'kysely';
import { secretId } from '../ledger/secretId.js';
import type { Database, SubscriberStatus } from './Database.js';

export interface HashedSubscriber {
  id: number;
  address: string;
  status: SubscriberStatus;
  /** The full 22-character hash. */
  hash: string;
}

/**
 * The subscriber whose address hash (under `secret`) is `hash`, or starts
 * with it when `prefix` (a Message-ID carries the first 16 characters).
 * Reads the column `indexAddressHashes` fills in.
 */
export async function findByAddressHash(
  db: Kysely<Database>,
  hash: string,
  secret: string,
  options: { prefix?: boolean } = {},
): Promise<HashedSubscriber | undefined> {
  const query = db
    .selectFrom('subscribers')
    .select(['id', 'address', 'status', 'address_hash'])
    .where('address_hash_key', '=', secretId(secret));
  // A prefix is compared with substr, not a range: PostgreSQL's collation
  // may not sort base64url in byte order. It is the rare path (a forwarded
  // bounce without its VERP address), so a scan is acceptable.
  const row = await (options.prefix
    ? query.where((eb) =>
        eb(eb.fn('substr', ['address_hash', eb.val(1), eb.val(hash.length)]), '=', hash),
      )
    : query.where('address_hash', '=', hash)
  )
    .limit(2)
    .execute();
  // Two subscribers sharing a 96-bit prefix cannot be told apart: neither is chosen.
  const [first] = row;
  if (!first || row.length > 1 || first.address_hash === null) return undefined;
  return {
    id: Number(first.id),
    address: first.address,
    status: first.status,
    hash: first.address_hash,
  };
}
