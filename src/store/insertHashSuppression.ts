import type { Kysely } from 'kysely';
import type { Database, SuppressionReason } from './Database.js';

/**
 * Suppresses an address known only by its hash (a bounce names no address):
 * `insertSuppression` for a hash. The first reason stays.
 */
export async function insertHashSuppression(
  db: Kysely<Database>,
  entry: { hash: string; key: string; reason: SuppressionReason; at: string },
): Promise<void> {
  await db
    .insertInto('suppressions')
    .values(entry)
    .onConflict((conflict) => conflict.columns(['hash', 'key']).doNothing())
    .execute();
}
