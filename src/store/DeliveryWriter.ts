import { sql } from 'kysely';
import type { Store } from './Store.js';

/** How a try of a held row ended, as the deliveries ledger records it. */
export interface DeliverySettlement {
  status: 'sent' | 'failed' | 'suppressed' | 'retrying' | 'deferred';
  code?: number | undefined;
  gaveUp?: boolean | undefined;
  /** The address hash, for a row settled without a try (suppressed). */
  hash?: string | undefined;
}

/** A write that matched fewer rows than it named: this process no longer holds them. */
export class LostClaimError extends Error {
  override name = 'LostClaimError';
}

type Pending =
  | { kind: 'sending'; id: number; hash: string; done: Settle }
  | { kind: 'settle'; id: number; settlement: DeliverySettlement; done: Settle };

interface Settle {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes a send process's marks on the rows it holds, committed before each
 * call resolves: `sending` before the SMTP exchange, the outcome after, as
 * the journal's lines are. Marks that arrive while a write is under way go
 * out together in the next one (one statement, so one round trip and one
 * commit, for the `sending` marks and the outcomes alike), so ten messages
 * in flight cost about one commit a round, not twenty. Every statement names this process as the holder: a
 * row put back by another process (this one was thought gone) is not
 * overwritten, and the call fails with `LostClaimError`.
 */
export class DeliveryWriter {
  readonly #store: Store;
  readonly #worker: number;
  readonly #now: () => Date;
  #queue: Pending[] = [];
  #writing: Promise<void> | undefined;

  constructor(store: Store, worker: number, now: () => Date) {
    this.#store = store;
    this.#worker = worker;
    this.#now = now;
  }

  /** Mark a held row as being tried (its attempt counted): resolves once committed. */
  sending(id: number, hash: string): Promise<void> {
    return this.#enqueue((done) => ({ kind: 'sending', id, hash, done }));
  }

  /** Record how a held row's try ended (or why it was not tried): resolves once committed. */
  settle(id: number, settlement: DeliverySettlement): Promise<void> {
    return this.#enqueue((done) => ({ kind: 'settle', id, settlement, done }));
  }

  /** Resolves when every write asked for so far is committed. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing.catch(() => {});
  }

  #enqueue(make: (done: Settle) => Pending): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push(make({ resolve, reject }));
      this.#writing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          await this.#write(batch);
          for (const item of batch) item.done.resolve();
        } catch (error) {
          for (const item of batch) item.done.reject(error);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  async #write(batch: readonly Pending[]): Promise<void> {
    const sending = batch.filter((item) => item.kind === 'sending');
    const settles = batch.filter((item) => item.kind === 'settle');
    const s = settles.map((item) => item.settlement);
    const at = this.#now().toISOString();
    // Both kinds in one statement, so a round costs one round trip and one
    // commit; a row is never in both (its outcome waits for its mark).
    const { rows } = await sql<{ marked: string; settled: string }>`
      with marked as (
        update deliveries d
        set status = 'sending', attempt = d.attempt + 1, address_hash = v.hash
        from unnest(${sending.map((item) => item.id)}::int[], ${sending.map((item) => item.hash)}::text[]) as v(id, hash)
        where d.id = v.id and d.worker = ${this.#worker} and d.status in ('claimed', 'retrying')
        returning 1
      ), settled as (
        update deliveries d
        set status = v.status,
            code = v.code,
            gave_up = v.gave_up,
            address_hash = coalesce(v.hash, d.address_hash),
            settled_at = ${at},
            worker = case when v.status = 'retrying' then d.worker else null end,
            in_doubt = case when v.status = 'retrying' then d.in_doubt else 0 end
        from unnest(
          ${settles.map((item) => item.id)}::int[],
          ${s.map((x) => x.status)}::text[],
          ${s.map((x) => x.code ?? null)}::int[],
          ${s.map((x) => (x.gaveUp ? 1 : 0))}::int[],
          ${s.map((x) => x.hash ?? null)}::text[]
        ) as v(id, status, code, gave_up, hash)
        where d.id = v.id and d.worker = ${this.#worker}
        returning 1
      )
      select (select count(*) from marked) as marked, (select count(*) from settled) as settled`.execute(
      this.#store.db,
    );
    this.#expect(Number(rows[0]?.marked ?? 0), sending.length);
    this.#expect(Number(rows[0]?.settled ?? 0), settles.length);
  }

  #expect(affected: number, wanted: number): void {
    if (affected !== wanted) {
      throw new LostClaimError(
        `${wanted - affected} of this process's recipients were taken over by another send process (this one was thought stopped); stopping so nobody is mailed twice`,
      );
    }
  }
}
