import type { Kysely } from 'kysely';
import type { Database } from './Database.js';

/** Which of `editions` had a soft bounce for this address hash. */
export async function softBounceEditions(
  db: Kysely<Database>,
  hash: string,
  editions: readonly string[],
): Promise<Set<string>> {
  if (editions.length === 0) return new Set();
  const rows = await db
    .selectFrom('bounce_events')
    .select('edition')
    .distinct()
    .where('address_hash', '=', hash)
    .where('kind', '=', 'soft')
    .where('edition', 'in', [...editions])
    .execute();
  return new Set(rows.flatMap((row) => (row.edition === null ? [] : [row.edition])));
}
