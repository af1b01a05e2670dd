import { type RawBuilder, sql } from 'kysely';
import type { SubscriberStatus } from './Database.js';
import { LostClaimError } from './DeliveryWriter.js';
import { attributesFromJson } from './rowMapping.js';
import type { Store } from './Store.js';

/** A row of the deliveries ledger this process now holds, with whom it is for. */
export interface ClaimedDelivery {
  id: number;
  /** Tries before this claim, over every run. */
  attempt: number;
  /** A process stopped while sending it: it may have arrived, and is sent again. */
  inDoubt: boolean;
  /** Undefined when the person was erased since the edition began. */
  subscriber:
    | {
        address: string;
        name: string | undefined;
        attributes: Record<string, string>;
        status: SubscriberStatus;
      }
    | undefined;
}

export interface ClaimDeliveriesOptions {
  edition: string;
  worker: number;
  /** Only rows with a greater id: a run walks the rows forward, past those others settled. */
  after: number;
  /** Deferred rows settled before this (by an earlier run) are tried again; later ones wait. */
  runStartedAt: Date;
  limit: number;
  now: Date;
}

/** A row the claim statement returns. */
interface ClaimRow {
  id: number;
  attempt: number;
  in_doubt: number;
  address: string | null;
  name: string | null;
  attributes: string | null;
  status: SubscriberStatus | null;
}

/**
 * Take up to `limit` rows nobody holds, in id order after `after`, marking
 * them `claimed` by `worker`. `FOR UPDATE SKIP LOCKED` passes over rows
 * another process is taking at this moment instead of waiting for it, so
 * any number of processes claim side by side and no row goes to two. One
 * statement claims and reads whom each row is for. Throws `LostClaimError`
 * when `worker` was found stopped (its lock's session ended while the
 * process ran on): rows it claimed then would be held by a sender nobody
 * recovers any more.
 */
export async function claimDeliveries(
  store: Store,
  options: ClaimDeliveriesOptions,
): Promise<ClaimedDelivery[]> {
  const { rows } = await store.db.transaction().execute(async (trx) => {
    // Shared lock on the sender's row: a recovery marking it stopped waits for
    // this claim to commit and then puts its rows back, or has committed and
    // this claim sees it finished.
    const alive = await sql`
      select id from send_workers where id = ${options.worker} and finished_at is null
      for share`.execute(trx);
    if (alive.rows.length === 0)
      throw new LostClaimError(
        'this send process was found stopped by another one (its connection to PostgreSQL was lost) and its recipients were taken over; stopping so nobody is mailed twice',
      );
    return claimStatement(options).execute(trx);
  });
  return rows.map((row) => ({
    id: Number(row.id),
    attempt: Number(row.attempt),
    inDoubt: Number(row.in_doubt) === 1,
    subscriber:
      row.address === null || row.status === null
        ? undefined
        : {
            address: row.address,
            name: row.name ?? undefined,
            attributes: attributesFromJson(row.attributes ?? '{}'),
            status: row.status,
          },
  }));
}

/**
 * The claim as one statement: pick up to `limit` open rows after `after` in
 * id order, mark them `claimed`, and join whom each is for. Its plan must
 * walk an index in id order and stop at `limit` (`beginEditionSend` gives
 * the planner the statistics for that); exported so a test can read it.
 */
export function claimStatement(options: ClaimDeliveriesOptions): RawBuilder<ClaimRow> {
  return sql<ClaimRow>`
    with picked as (
      select id from deliveries
      where edition = ${options.edition} and id > ${options.after}
        and status in ('pending', 'deferred')
        and (status = 'pending' or settled_at < ${options.runStartedAt.toISOString()})
      order by id
      limit ${options.limit}
      for update skip locked
    ), claimed as (
      update deliveries d
      set status = 'claimed', worker = ${options.worker}, claimed_at = ${options.now.toISOString()}
      from picked where d.id = picked.id
      returning d.id, d.subscriber_id, d.attempt, d.in_doubt
    )
    select claimed.id, claimed.attempt, claimed.in_doubt,
           s.address, s.name, s.attributes, s.status
    from claimed left join subscribers s on s.id = claimed.subscriber_id
    order by claimed.id`;
}
