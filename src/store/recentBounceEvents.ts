import type { Store } from './Store.js';

export interface StoredBounceEvent {
  at: string;
  kind: 'hard' | 'soft' | 'complaint';
  source: string;
  edition: string | undefined;
  status: string | undefined;
  hash: string;
  /** The subscriber's address, while the store holds them. */
  address: string | undefined;
}

/** The latest bounces and complaints, newest first, optionally of one edition. */
export async function recentBounceEvents(
  store: Store,
  options: { edition?: string | undefined; limit: number },
): Promise<StoredBounceEvent[]> {
  let query = store.db
    .selectFrom('bounce_events')
    .leftJoin('subscribers', 'subscribers.id', 'bounce_events.subscriber_id')
    .select([
      'bounce_events.at',
      'bounce_events.kind',
      'bounce_events.source',
      'bounce_events.edition',
      'bounce_events.status',
      'bounce_events.address_hash',
      'subscribers.address',
    ]);
  if (options.edition !== undefined)
    query = query.where('bounce_events.edition', '=', options.edition);
  const rows = await query
    .orderBy('bounce_events.at', 'desc')
    .orderBy('bounce_events.id', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({
    at: row.at,
    kind: row.kind,
    source: row.source,
    edition: row.edition ?? undefined,
    status: row.status ?? undefined,
    hash: row.address_hash,
    address: row.address ?? undefined,
  }));
}
