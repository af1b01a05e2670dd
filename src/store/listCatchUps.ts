import type { Selectable } from 'kysely';
import type { CatchUpStatus, CatchUpsTable } from './Database.js';
import type { Store } from './Store.js';

/** One catch-up row as the query layer returns it. */
export interface CatchUpRow {
  id: number;
  subscriberId: number;
  confirmedAt: string;
  status: CatchUpStatus;
  messageId: string | undefined;
  claimedAt: string | undefined;
  sentAt: string | undefined;
  attempt: number;
  lastError: string | undefined;
}

/** Every catch-up (or one subscriber's), oldest first: for `status` and for access requests. */
export async function listCatchUps(store: Store, subscriberId?: number): Promise<CatchUpRow[]> {
  const rows = await store.db
    .selectFrom('catch_ups')
    .selectAll()
    .$if(subscriberId !== undefined, (query) =>
      query.where('subscriber_id', '=', subscriberId ?? -1),
    )
    .orderBy('id')
    .execute();
  return rows.map(catchUpFromRow);
}

function catchUpFromRow(row: Selectable<CatchUpsTable>): CatchUpRow {
  return {
    id: Number(row.id),
    subscriberId: Number(row.subscriber_id),
    confirmedAt: row.confirmed_at,
    status: row.status,
    messageId: row.message_id ?? undefined,
    claimedAt: row.claimed_at ?? undefined,
    sentAt: row.sent_at ?? undefined,
    attempt: Number(row.attempt),
    lastError: row.last_error ?? undefined,
  };
}
