import type { Transaction } from 'kysely';
import { addressHash } from '../ledger/addressHash.js';
import { secretId } from '../ledger/secretId.js';
import type { Database } from './Database.js';
import type { Store } from './Store.js';
import { scheduleCatchUp } from './scheduleCatchUp.js';

export interface ConfirmInput {
  /** SHA-256 of the token from the link (`hashConfirmationToken`). */
  tokenHash: string;
  now: Date;
  /** `STORYLINE_SECRET`: an `unsubscribed` suppression is found by address HMAC. */
  secret: string;
  /** The consent text and the form's URL, kept with the `confirmed` event. */
  consent: string;
}

export type ConfirmResult =
  | { kind: 'confirmed'; subscriberId: number; confirmedAt: string }
  /** The link was used before, or the subscriber is active already: nothing changed. */
  | { kind: 'already'; subscriberId: number }
  /** Unknown, expired, or the subscriber bounced or complained since. */
  | { kind: 'invalid' };

/**
 * Double opt-in's second step, in ONE transaction: the link is marked used,
 * the subscriber becomes `active` (`confirmed_at`, `changed_at`), a
 * `confirmed` event (source `form`) records the consent, and an
 * `unsubscribed` suppression from an earlier unsubscribe is lifted (the
 * reader asked again, and proved the mailbox is theirs). Either all of it
 * holds or none: a crash between the steps confirms nobody half-way.
 */
export async function confirmSubscriber(store: Store, input: ConfirmInput): Promise<ConfirmResult> {
  const at = input.now.toISOString();
  return store.db.transaction().execute(async (trx) => {
    const link = await trx
      .selectFrom('confirmations')
      .select(['subscriber_id', 'expires_at', 'used_at'])
      .where('token_hash', '=', input.tokenHash)
      .executeTakeFirst();
    if (!link || link.expires_at <= at) return { kind: 'invalid' };
    const subscriberId = Number(link.subscriber_id);
    if (link.used_at !== null) return { kind: 'already', subscriberId };
    // Marked used first and only if still unused: of two presses at once, one confirms.
    const marked = await trx
      .updateTable('confirmations')
      .set({ used_at: at })
      .where('token_hash', '=', input.tokenHash)
      .where('used_at', 'is', null)
      .returning('subscriber_id')
      .executeTakeFirst();
    if (!marked) return { kind: 'already', subscriberId };
    const activated = await activateSubscriber(trx, subscriberId, input);
    return activated === 'activated'
      ? { kind: 'confirmed', subscriberId, confirmedAt: at }
      : activated === 'already'
        ? { kind: 'already', subscriberId }
        : { kind: 'invalid' };
  });
}

/**
 * Inside a transaction: a `pending` or `unsubscribed` subscriber becomes
 * `active` with a `confirmed` event, and an `unsubscribed` suppression is
 * lifted. Shared by the confirmation link and the unsubscribe page's
 * Resubscribe button. A bounced or complained subscriber stays so.
 */
export async function activateSubscriber(
  trx: Transaction<Database>,
  subscriberId: number,
  input: { now: Date; secret: string; consent: string },
): Promise<'activated' | 'already' | 'refused'> {
  const at = input.now.toISOString();
  const row = await trx
    .selectFrom('subscribers')
    .select(['address', 'status', 'confirmed_at'])
    .where('id', '=', subscriberId)
    .executeTakeFirst();
  if (!row) return 'refused';
  if (row.status === 'active') return 'already';
  if (row.status !== 'pending' && row.status !== 'unsubscribed') return 'refused';
  const updated = await trx
    .updateTable('subscribers')
    // This confirmation's time, not the first one's: an edition mails readers
    // confirmed by its start, and the catch-up holds editions started before
    // `confirmed_at`, so a reader back while an edition sends gets its update once.
    .set({ status: 'active', confirmed_at: at, changed_at: at })
    .where('id', '=', subscriberId)
    .where('status', '=', row.status)
    .returning('id')
    .executeTakeFirst();
  if (!updated) return 'already';
  await trx
    .insertInto('subscriber_events')
    .values({
      subscriber_id: subscriberId,
      kind: 'confirmed',
      at,
      source: 'form',
      consent: input.consent,
    })
    .execute();
  // Only an unsubscribe is lifted: a bounce, complaint or erasure stays.
  await trx
    .deleteFrom('suppressions')
    .where('hash', '=', addressHash(row.address, input.secret))
    .where('key', '=', secretId(input.secret))
    .where('reason', '=', 'unsubscribed')
    .execute();
  // In this same transaction, so a confirmation and its catch-up commit together.
  await scheduleCatchUp(trx, subscriberId, at);
  return 'activated';
}
