import type { Kysely } from 'kysely';
import type { Database, EventKind, EventSource, SubscriberStatus } from './Database.js';

/**
 * Appends a bounce or complaint to a subscriber's event log and, when
 * `status` is given, moves them to it from any of `from`: the update is the
 * guard, so a second report moves nobody twice. A status change that
 * happens appends its own event too (`bounced` after repeated soft bounces).
 * True when the status changed.
 */
export async function recordSubscriberBounce(
  db: Kysely<Database>,
  change: {
    subscriberId: number;
    kind: EventKind;
    source: EventSource;
    at: string;
    status?: { to: SubscriberStatus; from: readonly SubscriberStatus[]; event: EventKind };
  },
): Promise<boolean> {
  const { subscriberId, kind, source, at } = change;
  await db
    .insertInto('subscriber_events')
    .values({ subscriber_id: subscriberId, kind, at, source, consent: null })
    .execute();
  if (!change.status) return false;
  const { to, from, event } = change.status;
  const updated = await db
    .updateTable('subscribers')
    .set({ status: to, changed_at: at })
    .where('id', '=', subscriberId)
    .where('status', 'in', [...from])
    .returning('id')
    .executeTakeFirst();
  if (!updated) return false;
  if (event !== kind) {
    await db
      .insertInto('subscriber_events')
      .values({ subscriber_id: subscriberId, kind: event, at, source, consent: null })
      .execute();
  }
  return true;
}
