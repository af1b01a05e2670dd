import type { Insertable, Kysely } from 'kysely';
import type { BounceEventsTable, Database } from './Database.js';

/**
 * Records a bounce or complaint unless the same report (source and event
 * key) was recorded before: the unique constraint decides, so two
 * processes given the same report record it once. True when recorded now.
 */
export async function insertBounceEvent(
  db: Kysely<Database>,
  row: Insertable<BounceEventsTable>,
): Promise<boolean> {
  const inserted = await db
    .insertInto('bounce_events')
    .values(row)
    .onConflict((conflict) => conflict.columns(['source', 'event_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
