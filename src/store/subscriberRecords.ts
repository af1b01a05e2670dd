import type { Kysely } from 'kysely';
import type { Database } from './Database.js';
import { type CatchUpRow, listCatchUps } from './listCatchUps.js';
import type { Store } from './Store.js';

/** What else the store keeps about one subscriber, beyond their row and events. */
export interface SubscriberRecords {
  /** Each catch-up email ("the story so far"): when, its state, its Message-ID. */
  catchUps: Array<Omit<CatchUpRow, 'id' | 'subscriberId'>>;
  /** Each confirmation link mailed (times only: the token itself is never kept). */
  confirmationLinks: Array<{
    createdAt: string;
    expiresAt: string;
    sentAt: string | null;
    usedAt: string | null;
  }>;
  /** Each bounce or complaint matched to them, with its source, edition and status code. */
  bounces: Array<{
    kind: string;
    source: string;
    edition: string | null;
    status: string | null;
    at: string;
  }>;
}

/**
 * The rows of other tables that name one subscriber, for an access request
 * (`subscribers show`): catch-ups, confirmation links, bounces. Erasure
 * deletes them with the subscriber.
 */
export async function subscriberRecords(
  store: Store,
  subscriberId: number,
): Promise<SubscriberRecords> {
  const db: Kysely<Database> = store.db;
  const catchUps = await listCatchUps(store, subscriberId);
  const links = await db
    .selectFrom('confirmations')
    .select(['created_at', 'expires_at', 'sent_at', 'used_at'])
    .where('subscriber_id', '=', subscriberId)
    .orderBy('created_at')
    .execute();
  const bounces = await db
    .selectFrom('bounce_events')
    .select(['kind', 'source', 'edition', 'status', 'at'])
    .where('subscriber_id', '=', subscriberId)
    .orderBy('id')
    .execute();
  return {
    catchUps: catchUps.map(({ id: _id, subscriberId: _subscriber, ...rest }) => rest),
    confirmationLinks: links.map((link) => ({
      createdAt: link.created_at,
      expiresAt: link.expires_at,
      sentAt: link.sent_at,
      usedAt: link.used_at,
    })),
    bounces: bounces.map((bounce) => ({ ...bounce })),
  };
}
