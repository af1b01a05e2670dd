import { sql } from 'kysely';
import type { CatchUpStatus } from './Database.js';
import type { Store } from './Store.js';

/** A catch-up this process now holds: nobody else sends it unless its lease runs out. */
export interface ClaimedCatchUp {
  id: number;
  subscriberId: number;
  /** ISO 8601 in UTC. */
  confirmedAt: string;
  /** The same on every try, so a resend after a crash can be dropped by mail systems. */
  messageId: string;
  /** The claim's version: settling compares against it. */
  attempt: number;
  /** It was `sending` when taken: a process died with it possibly in flight, so it may arrive twice. */
  resumed: boolean;
}

export interface ClaimOptions {
  now: Date;
  /**
   * A `sending` row claimed at or before this was left by a process that
   * died (its lease ran out) and is taken again; undefined takes none.
   */
  staleBefore: Date | undefined;
  /** Only rows with a greater id: a run walks the table once, so a row put back `due` waits for the next run. */
  after: number;
  /** Only this subscriber's rows. */
  subscriberId?: number | undefined;
  /** The Message-ID of a row claimed for the first time. */
  messageIdFor: (row: { id: number; confirmedAt: string }) => string;
}

/** Candidates read per query; a lost race moves on to the next one. */
const pageSize = 20;

/**
 * Takes the next catch-up to send, or undefined when none is left after
 * `after`. The claim is a conditional update on the row's status and
 * attempt (compare and set), so of several processes on one database
 * exactly one wins each row: on PostgreSQL the loser's update waits for the
 * winner's commit, re-reads the row and matches nothing; SQLite runs one
 * writer at a time. The claim marks the row `sending` with its Message-ID
 * before any SMTP exchange, like the journal's `sending` line.
 */
export async function claimNextCatchUp(
  store: Store,
  options: ClaimOptions,
): Promise<ClaimedCatchUp | undefined> {
  const at = options.now.toISOString();
  const stale = options.staleBefore?.toISOString();
  let after = options.after;
  for (;;) {
    const candidates = await store.db
      .selectFrom('catch_ups')
      .select(['id', 'subscriber_id', 'confirmed_at', 'status', 'attempt'])
      .where('id', '>', after)
      .where((eb) =>
        stale === undefined
          ? eb('status', '=', 'due')
          : eb.or([
              eb('status', '=', 'due'),
              eb.and([eb('status', '=', 'sending'), eb('claimed_at', '<=', stale)]),
            ]),
      )
      .$if(options.subscriberId !== undefined, (query) =>
        query.where('subscriber_id', '=', options.subscriberId ?? -1),
      )
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const candidate of candidates) {
      const id = Number(candidate.id);
      const messageId = options.messageIdFor({ id, confirmedAt: candidate.confirmed_at });
      const won = await store.db
        .updateTable('catch_ups')
        .set({
          status: 'sending',
          claimed_at: at,
          changed_at: at,
          attempt: sql<number>`attempt + 1`,
          message_id: sql<string>`coalesce(message_id, ${messageId})`,
        })
        .where('id', '=', id)
        .where('attempt', '=', candidate.attempt)
        .where('status', '=', candidate.status)
        .$if(candidate.status === 'sending', (query) =>
          query.where('claimed_at', '<=', stale ?? ''),
        )
        .returning(['message_id', 'attempt'])
        .executeTakeFirst();
      if (won?.message_id) {
        return {
          id,
          subscriberId: Number(candidate.subscriber_id),
          confirmedAt: candidate.confirmed_at,
          messageId: won.message_id,
          attempt: Number(won.attempt),
          resumed: candidate.status === 'sending',
        };
      }
    }
    if (candidates.length < pageSize) return undefined;
    after = Number(candidates[candidates.length - 1]?.id);
  }
}

/** How a claimed catch-up ended: `due` puts it back for a later run (a temporary failure). */
export type CatchUpSettlement =
  | { status: 'sent' }
  | { status: Exclude<CatchUpStatus, 'sent' | 'sending'>; reason: string };

/**
 * Records how a claimed catch-up ended. Only the claim that holds the row
 * (still `sending`, same attempt) settles it: a process whose lease ran out
 * and whose row was taken over cannot overwrite the newer claim's outcome.
 * Returns whether it held.
 */
export async function settleCatchUp(
  store: Store,
  claim: Pick<ClaimedCatchUp, 'id' | 'attempt'>,
  settlement: CatchUpSettlement,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const updated = await store.db
    .updateTable('catch_ups')
    .set(
      settlement.status === 'sent'
        ? { status: 'sent', sent_at: at, changed_at: at, last_error: null }
        : {
            status: settlement.status,
            changed_at: at,
            last_error: settlement.reason.slice(0, 500),
          },
    )
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('attempt', '=', claim.attempt)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}
