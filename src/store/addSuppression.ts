import type { Kysely } from 'kysely';
import { addressHash } from '../ledger/addressHash.js';
import { secretId } from '../ledger/secretId.js';
import type { Database, SuppressionReason } from './Database.js';
import type { Store } from './Store.js';

export interface SuppressionInput {
  address: string;
  reason: SuppressionReason;
  /** `STORYLINE_SECRET`: the address is kept only as its HMAC under it. */
  secret: string;
  now: Date;
}

/**
 * Suppresses an address: no send mails it again, whatever its subscriber
 * row says or whether it has one. Stored as the address HMAC and the key's
 * fingerprint, like `archive/suppressions.jsonl`, so it outlives erasure.
 * The first reason stays: suppressing again changes nothing.
 */
export async function addSuppression(store: Store, input: SuppressionInput): Promise<void> {
  await insertSuppression(store.db, input);
}

/** The insert, also used inside `eraseSubscriber`'s transaction. */
export async function insertSuppression(
  db: Kysely<Database>,
  input: SuppressionInput,
): Promise<void> {
  await db
    .insertInto('suppressions')
    .values({
      hash: addressHash(input.address, input.secret),
      key: secretId(input.secret),
      reason: input.reason,
      at: input.now.toISOString(),
    })
    .onConflict((conflict) => conflict.columns(['hash', 'key']).doNothing())
    .execute();
}
