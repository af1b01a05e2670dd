import type { Store } from './Store.js';

export interface BounceCountRow {
  edition: string | null;
  kind: 'hard' | 'soft' | 'complaint';
  count: number;
}

/** How many bounces and complaints of each kind each edition had. */
export async function bounceCountsByEdition(store: Store): Promise<BounceCountRow[]> {
  const rows = await store.db
    .selectFrom('bounce_events')
    .select(['edition', 'kind', (eb) => eb.fn.countAll<number | string | bigint>().as('count')])
    .groupBy(['edition', 'kind'])
    .execute();
  return rows.map((row) => ({ edition: row.edition, kind: row.kind, count: Number(row.count) }));
}
