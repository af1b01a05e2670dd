import { sql } from 'kysely';
import type { Store } from './Store.js';

export interface ConfirmationClaim {
  subscriberId: number;
  /** SHA-256 of the link's token (`hashConfirmationToken`). */
  tokenHash: string;
  now: Date;
  /** No second mail to the same subscriber within this many milliseconds. */
  intervalMs: number;
  /** How long the link works. */
  validMs: number;
}

/**
 * Takes the right to mail a subscriber a confirmation link, and records the
 * link, in one transaction. The conditional update is the guard: of any
 * number of requests and processes at once, one sees its row change and
 * mails; the others, and anyone within `intervalMs`, get false. Only a
 * `pending` or `unsubscribed` subscriber is ever mailed one (an active one
 * has nothing to confirm; a bounce or complaint is never mailed again).
 */
export async function claimConfirmationMail(
  store: Store,
  claim: ConfirmationClaim,
): Promise<boolean> {
  const at = claim.now.toISOString();
  const cutoff = new Date(claim.now.getTime() - claim.intervalMs).toISOString();
  return store.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('subscribers')
      .set({ confirmation_mailed_at: at })
      .where('id', '=', claim.subscriberId)
      .where('status', 'in', ['pending', 'unsubscribed'])
      .where((eb) =>
        eb.or([
          eb('confirmation_mailed_at', 'is', null),
          eb('confirmation_mailed_at', '<=', cutoff),
        ]),
      )
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return false;
    // Links that can no longer be used are dead weight.
    await trx
      .deleteFrom('confirmations')
      .where('subscriber_id', '=', claim.subscriberId)
      .where(sql<boolean>`expires_at < ${at}`)
      .execute();
    await trx
      .insertInto('confirmations')
      .values({
        token_hash: claim.tokenHash,
        subscriber_id: claim.subscriberId,
        created_at: at,
        expires_at: new Date(claim.now.getTime() + claim.validMs).toISOString(),
        used_at: null,
        sent_at: null,
      })
      .execute();
    return true;
  });
}

/**
 * Records that the transport accepted a link's mail, so no sweep mails it
 * again. Conditional: a link already replaced (or sent) changes nothing.
 */
export async function markConfirmationSent(
  store: Store,
  tokenHash: string,
  now: Date,
): Promise<void> {
  await store.db
    .updateTable('confirmations')
    .set({ sent_at: now.toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('sent_at', 'is', null)
    .execute();
}

/**
 * Undoes a claim whose mail could not be sent, so the reader may ask again
 * at once rather than in an hour.
 */
export async function releaseConfirmationMail(
  store: Store,
  subscriberId: number,
  tokenHash: string,
): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('confirmations').where('token_hash', '=', tokenHash).execute();
    await trx
      .updateTable('subscribers')
      .set({ confirmation_mailed_at: null })
      .where('id', '=', subscriberId)
      .execute();
  });
}
