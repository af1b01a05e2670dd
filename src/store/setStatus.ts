import { sql } from 'kysely';
import { normalizeAddress } from '../util/normalizeAddress.js';
import type { EventSource, SubscriberStatus } from './Database.js';
import { eventForStatus } from './rowMapping.js';
import type { Store } from './Store.js';

export interface StatusChange {
  source: EventSource;
  consent?: string | undefined;
  now: Date;
}

/**
 * Moves a subscriber to `status` and appends the matching event
 * (`confirmed`, `unsubscribed`, `bounced`…), in one transaction. The update
 * only matches a row whose status differs, so it is also the guard: two
 * processes unsubscribing the same person append one event, and setting the
 * status a subscriber already has changes nothing.
 */
export async function setStatus(
  store: Store,
  address: string,
  status: SubscriberStatus,
  change: StatusChange,
): Promise<'changed' | 'unchanged' | 'not-found'> {
  const normalized = normalizeAddress(address);
  const at = change.now.toISOString();
  return store.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('subscribers')
      .set({
        status,
        changed_at: at,
        // The first confirmation is the one consent is dated from.
        ...(status === 'active'
          ? { confirmed_at: sql<string>`coalesce(confirmed_at, ${at})` }
          : {}),
      })
      .where('address', '=', normalized)
      .where('status', '!=', status)
      .returning('id')
      .executeTakeFirst();
    if (!updated) {
      const exists = await trx
        .selectFrom('subscribers')
        .select('id')
        .where('address', '=', normalized)
        .executeTakeFirst();
      return exists ? 'unchanged' : 'not-found';
    }
    await trx
      .insertInto('subscriber_events')
      .values({
        subscriber_id: Number(updated.id),
        kind: eventForStatus(status),
        at,
        source: change.source,
        consent: change.consent ?? null,
      })
      .execute();
    return 'changed';
  });
}
