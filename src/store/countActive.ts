import { sql } from 'kysely';
import type { Store } from './Store.js';

/**
 * How many subscribers `streamActive(store, size, activeAt)` would yield
 * now, counted by the database (one index scan) rather than by reading
 * them: what a send shows as its total.
 */
export async function countActive(store: Store, activeAt: Date): Promise<number> {
  const row = await store.db
    .selectFrom('subscribers')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('status', '=', 'active')
    // The same cut-off as `streamActive`: ISO 8601 times in UTC sort as text.
    .where(sql<string>`coalesce(confirmed_at, created_at)`, '<=', activeAt.toISOString())
    .executeTakeFirst();
  // PostgreSQL's count is a bigint, which pg returns as a string.
  return Number(row?.count ?? 0);
}
