import type { Store } from './Store.js';

export type ConfirmationState = 'valid' | 'used' | 'expired' | 'unknown';

/** What a confirmation link is worth now, by its token's hash; changes nothing (a GET asks this). */
export async function findConfirmation(
  store: Store,
  tokenHash: string,
  now: Date,
): Promise<ConfirmationState> {
  const row = await store.db
    .selectFrom('confirmations')
    .select(['expires_at', 'used_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return 'unknown';
  if (row.used_at !== null) return 'used';
  return row.expires_at <= now.toISOString() ? 'expired' : 'valid';
}
