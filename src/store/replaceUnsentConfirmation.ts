import type { Store } from './Store.js';

/** A link whose mail may never have gone out: claimed, not sent, not used, not expired. */
export interface UnsentConfirmation {
  tokenHash: string;
  subscriberId: number;
  /** ISO 8601 in UTC. */
  createdAt: string;
}

/** Candidates read per query. */
const pageSize = 100;

/**
 * Links claimed at or before `claimedBefore` whose mail the transport never
 * accepted, oldest first: the process that claimed them died between the
 * claim and the send (or is still sending, if `claimedBefore` is too
 * recent: hence a lease). Reading changes nothing; `replaceUnsentConfirmation`
 * decides who mails each.
 */
export async function findUnsentConfirmations(
  store: Store,
  options: { now: Date; claimedBefore: Date; after?: string | undefined },
): Promise<UnsentConfirmation[]> {
  const rows = await store.db
    .selectFrom('confirmations')
    .select(['token_hash', 'subscriber_id', 'created_at'])
    .where('sent_at', 'is', null)
    .where('used_at', 'is', null)
    .where('expires_at', '>', options.now.toISOString())
    .where('created_at', '<=', options.claimedBefore.toISOString())
    .$if(options.after !== undefined, (query) =>
      query.where('token_hash', '>', options.after ?? ''),
    )
    .orderBy('token_hash')
    .limit(pageSize)
    .execute();
  return rows.map((row) => ({
    tokenHash: row.token_hash,
    subscriberId: Number(row.subscriber_id),
    createdAt: row.created_at,
  }));
}

export interface ConfirmationReplacement {
  /** The unsent link's hash. */
  tokenHash: string;
  /** The hash of the fresh token to mail instead. */
  newTokenHash: string;
  now: Date;
  /** How long the new link works. */
  validMs: number;
}

/**
 * Takes over an unsent link, in one transaction: deletes it only if it is
 * still unsent and unused (the conditional delete is the guard: of two
 * sweepers, on PostgreSQL the second's delete waits for the first's commit
 * and finds nothing; SQLite runs one writer at a time), and records a fresh
 * token's hash in its place, since only hashes are stored and the old link
 * cannot be mailed again. Returns whom to mail the new link, or undefined
 * when another process won, the subscriber no longer waits to confirm (the
 * dead link is dropped all the same), or a newer link supersedes it.
 */
export async function replaceUnsentConfirmation(
  store: Store,
  replacement: ConfirmationReplacement,
): Promise<{ subscriberId: number; address: string } | undefined> {
  const at = replacement.now.toISOString();
  return store.db.transaction().execute(async (trx) => {
    const taken = await trx
      .deleteFrom('confirmations')
      .where('token_hash', '=', replacement.tokenHash)
      .where('sent_at', 'is', null)
      .where('used_at', 'is', null)
      .returning(['subscriber_id', 'created_at'])
      .executeTakeFirst();
    if (!taken) return undefined;
    const subscriber = await trx
      .selectFrom('subscribers')
      .select(['id', 'address'])
      .where('id', '=', taken.subscriber_id)
      .where('status', 'in', ['pending', 'unsubscribed'])
      .executeTakeFirst();
    if (!subscriber) return undefined;
    // A later sign-up already claimed (and mails) a newer link: one is enough.
    const newer = await trx
      .selectFrom('confirmations')
      .select('token_hash')
      .where('subscriber_id', '=', subscriber.id)
      .where('created_at', '>', taken.created_at)
      .executeTakeFirst();
    if (newer) return undefined;
    await trx
      .insertInto('confirmations')
      .values({
        token_hash: replacement.newTokenHash,
        subscriber_id: subscriber.id,
        created_at: at,
        expires_at: new Date(replacement.now.getTime() + replacement.validMs).toISOString(),
        used_at: null,
        sent_at: null,
      })
      .execute();
    // The hourly limit counts from the mail that goes out.
    await trx
      .updateTable('subscribers')
      .set({ confirmation_mailed_at: at })
      .where('id', '=', subscriber.id)
      .execute();
    return { subscriberId: Number(subscriber.id), address: subscriber.address };
  });
}
