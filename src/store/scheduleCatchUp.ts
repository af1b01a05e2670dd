import type { Transaction } from 'kysely';
import type { Database } from './Database.js';

/**
 * Schedules the catch-up email ("the story so far") for a confirmation, as
 * a `due` row. It takes the caller's transaction, the one that makes the
 * subscriber `active` with this `confirmed_at`, so both commit or neither:
 * a crash after the commit leaves a due row for the next delivery run, and
 * a crash before it leaves no confirmation to welcome. Scheduling the same
 * confirmation again changes nothing (unique per subscriber and time).
 */
export async function scheduleCatchUp(
  trx: Transaction<Database>,
  subscriberId: number,
  confirmedAt: Date | string,
): Promise<'scheduled' | 'already-scheduled'> {
  // ISO 8601 in UTC, as every time in the store, so it compares as text.
  const at = new Date(confirmedAt).toISOString();
  const inserted = await trx
    .insertInto('catch_ups')
    .values({
      subscriber_id: subscriberId,
      confirmed_at: at,
      status: 'due',
      message_id: null,
      created_at: at,
      claimed_at: null,
      sent_at: null,
      changed_at: at,
      attempt: 0,
      last_error: null,
    })
    .onConflict((conflict) => conflict.columns(['subscriber_id', 'confirmed_at']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? 'scheduled' : 'already-scheduled';
}
