import { type Kysely, sql } from 'kysely';
import type { Database } from './Database.js';

/** What a send process left when its rows were put back. */
export interface ReturnedClaims {
  /** Rows it was sending to (`sending`): they may have been delivered, and are sent again. */
  inDoubt: number;
  /** Rows it held without a try under way (`claimed`, `retrying`): sent as if never claimed. */
  untried: number;
}

/**
 * Put a send process's unsettled rows back for others to take: `claimed`
 * and `retrying` ones as they were, `sending` ones marked in doubt, so
 * whoever sends them again reports them. Used on a process found gone and
 * by a process stopping with rows it did not get to.
 */
export async function returnClaims(
  db: Kysely<Database>,
  workerId: number,
): Promise<ReturnedClaims> {
  const { rows } = await sql<{ was: string; rows: string }>`
    with held as (
      select id, status from deliveries
      where worker = ${workerId} and status in ('claimed', 'sending', 'retrying')
      for update
    ), put_back as (
      update deliveries d
      set status = 'pending', worker = null,
          in_doubt = case when held.status = 'sending' then 1 else d.in_doubt end
      from held where d.id = held.id
      returning held.status as was
    )
    select was, count(*) as rows from put_back group by was`.execute(db);
  let inDoubt = 0;
  let untried = 0;
  for (const row of rows) {
    if (row.was === 'sending') inDoubt += Number(row.rows);
    else untried += Number(row.rows);
  }
  return { inDoubt, untried };
}
