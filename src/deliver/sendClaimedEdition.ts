import type { Config } from '../config/configSchema.js';
import { addressHash } from '../ledger/addressHash.js';
import { editionRecordPath } from '../ledger/archivePaths.js';
import { editionStartedAt } from '../ledger/editionStartedAt.js';
import { HashPrefixMap } from '../ledger/HashPrefixMap.js';
import { recordDeliveryEnd, recordDeliveryStart } from '../ledger/recordDelivery.js';
import { secretId } from '../ledger/secretId.js';
import { readSuppressions, suppressionsPath } from '../ledger/suppressions.js';
import type { Rendered } from '../render/Rendered.js';
import { beginEditionSend } from '../store/beginEditionSend.js';
import { type ClaimedDelivery, claimDeliveries } from '../store/claimDeliveries.js';
import { DeliveryWriter } from '../store/DeliveryWriter.js';
import { deliveryCounts } from '../store/deliveryCounts.js';
import { recoverStoppedWorkers, type StoppedWorker } from '../store/recoverStoppedWorkers.js';
import type { Store } from '../store/Store.js';
import { registerSendWorker } from '../store/sendWorker.js';
import { withEditionRecordLock } from '../store/withEditionRecordLock.js';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';
import type { ListedSubscriber } from './recipientQueue.js';
import type { SendProgress, SendReport } from './sendEdition.js';
import { type LoopItem, runSendLoop, type SendLoopResult, type Tally } from './sendLoop.js';
import type { Transport } from './transports/Transport.js';

export interface ClaimedSendOptions {
  root: string;
  rendered: Rendered;
  config: Config;
  transport: Transport;
  /** A PostgreSQL store: the list, and the deliveries ledger. */
  store: Store;
  /** How the ledger is named to people (the store's description, never a password). */
  ledger: string;
  secret: string;
  /** Hashes suppressed in the store, besides `archive/suppressions.jsonl`. */
  alsoSuppressed?: { has(hash: string): boolean } | undefined;
  onBounced?: ((subscriber: ListedSubscriber) => Promise<void>) | undefined;
  onDelivered?: ((subscribers: readonly ListedSubscriber[]) => Promise<void>) | undefined;
  signal: AbortSignal;
  now: () => Date;
  onProgress?: (progress: SendProgress) => void;
  /** Said at once: send processes found stopped, whose rows this one put back. */
  onStoppedWorkers?: (stopped: readonly StoppedWorker[]) => void;
}

/** A held row being tried in this run. */
interface Pending extends LoopItem {
  row: number;
}

/** Rows claimed per statement: enough to keep the workers busy, few to hand back on a stop. */
const claimBatch = 50;
/** How often the edition-wide progress is read back from the ledger. */
const progressRefreshMs = 5000;

/**
 * Mail an edition from the deliveries ledger: the same exactly-once rules
 * as `sendEdition`'s journal, with rows in PostgreSQL instead of a file, so
 * that any number of processes on any number of machines send one edition
 * together. Each claims rows a batch at a time (`claimDeliveries`), marks a
 * row `sending` before its SMTP exchange and records the outcome after
 * (`DeliveryWriter`); a process that dies leaves its rows to the others
 * (`recoverStoppedWorkers`): those it was sending to are sent again, with
 * the same Message-ID, and reported. The edition's record still lands in
 * `archive/`; there is no journal file.
 */
export async function sendClaimedEdition(options: ClaimedSendOptions): Promise<SendReport> {
  const { root, rendered, config, transport, secret, signal, store } = options;
  const { edition } = rendered;
  const started = performance.now();
  const startedAt = options.now();
  for (const filePath of [editionRecordPath(root, edition.id), suppressionsPath(root)])
    await assertWritableInsideRoot(root, filePath);
  const key = secretId(secret);
  const begun = await beginEditionSend(store, {
    edition: edition.id,
    key,
    // A record in git from an earlier start keeps its cut-off.
    activeAt: (await editionStartedAt(root, edition.id)) ?? startedAt,
    now: startedAt,
  });
  await recordDeliveryStart(root, edition, undefined, begun.startedAt, key);
  const worker = await registerSendWorker(store, { edition: edition.id, now: startedAt });
  const writer = new DeliveryWriter(store, worker.id, options.now);
  let stopped: string | undefined;
  try {
    const inDoubt = new Set<number>();
    const recover = async (): Promise<number> => {
      const found = await recoverStoppedWorkers(store, {
        edition: edition.id,
        self: worker.id,
        now: options.now(),
      });
      if (found.length > 0) options.onStoppedWorkers?.(found);
      return found.reduce((sum, w) => sum + w.inDoubt + w.untried, 0);
    };
    await recover();
    const { hashes: suppressed } = await readSuppressions(root, secret, new HashPrefixMap());
    const alsoSuppressed = options.alsoSuppressed ?? new Set<string>();
    const before = await deliveryCounts(store, edition.id);
    const finalBefore = before.sent + before.failed + before.suppressed;

    let possibleDuplicates = 0;
    let lastFailure: string | undefined;
    // Edition-wide outcomes as last read, and this run's at that moment.
    let tally: Tally = { outcomes: 0, sentNow: 0 };
    let finalAtRefresh = finalBefore;
    let outcomesAtRefresh = 0;
    let refreshedAt = performance.now();
    const report = () =>
      options.onProgress?.({
        done: finalAtRefresh + tally.outcomes - outcomesAtRefresh,
        total: begun.total,
        sentNow: tally.sentNow,
        elapsedMs: performance.now() - started,
      });
    const refresh = async () => {
      if (performance.now() - refreshedAt < progressRefreshMs) return;
      refreshedAt = performance.now();
      const counts = await deliveryCounts(store, edition.id);
      finalAtRefresh = counts.sent + counts.failed + counts.suppressed;
      outcomesAtRefresh = tally.outcomes;
    };

    const newClaims = () =>
      claimQueue(
        async (after) =>
          claimDeliveries(store, {
            edition: edition.id,
            worker: worker.id,
            after,
            runStartedAt: worker.startedAt,
            limit: claimBatch,
            now: options.now(),
          }),
        recover,
      );
    // Rows settled without a try (suppressed), counted into progress.
    let passedOver = 0;
    let claims = newClaims();
    const next = async (): Promise<Pending | undefined> => {
      for (;;) {
        const row = await claims.next();
        if (!row) return undefined;
        await refresh();
        const { subscriber } = row;
        const hash = subscriber && addressHash(subscriber.address, secret);
        // Erased, no longer active, or suppressed since the edition began.
        if (
          !subscriber ||
          !hash ||
          subscriber.status !== 'active' ||
          suppressed.has(hash) ||
          alsoSuppressed.has(hash)
        ) {
          await writer.settle(row.id, { status: 'suppressed', hash });
          passedOver++;
          continue;
        }
        if (row.inDoubt) inDoubt.add(row.id);
        return {
          row: row.id,
          subscriber: {
            email: subscriber.address,
            name: subscriber.name,
            fields: subscriber.attributes,
          },
          hash,
          attempt: row.attempt + 1,
          tries: 1,
        };
      }
    };

    // Earlier rounds' figures (see below).
    let earlier: Tally = { outcomes: 0, sentNow: 0 };
    let loop: SendLoopResult<Pending>;
    for (;;) {
      loop = await runSendLoop<Pending>({
        root,
        rendered,
        config,
        transport,
        secret,
        signal,
        now: options.now,
        next,
        sending: async (item) => {
          await writer.sending(item.row, item.hash);
          if (inDoubt.delete(item.row)) possibleDuplicates++;
        },
        settled: (item, result) =>
          writer.settle(item.row, {
            status: result.status,
            code: result.code,
            gaveUp: result.status !== 'sent' && result.gaveUp === true,
          }),
        onBounced: options.onBounced,
        onDelivered: options.onDelivered,
        report: (latest) => {
          tally = {
            outcomes: earlier.outcomes + latest.outcomes + passedOver,
            sentNow: earlier.sentNow + latest.sentNow,
          };
          report();
        },
      });
      earlier = {
        outcomes: earlier.outcomes + loop.outcomes,
        sentNow: earlier.sentNow + loop.sentNow,
      };
      lastFailure = loop.lastFailure ?? lastFailure;
      if (loop.stopped !== undefined || signal.aborted) break;
      // A sender that died after this run's last look for rows left them
      // claimed: take them now, or they would wait in dead hands for a
      // next run while this one reports them as others' to finish.
      if ((await recover()) === 0) break;
      claims = newClaims();
    }
    tally = { outcomes: earlier.outcomes + passedOver, sentNow: earlier.sentNow };
    const { sentNow } = tally;
    stopped = loop.stopped;
    // Whoever waits for a retry when the run stops is left for the next run.
    for (const item of loop.waiting) await writer.settle(item.row, { status: 'deferred' });
    await writer.flush();
    if (signal.aborted) stopped ??= 'interrupted';
    report();

    await worker.finish(stopped ? 'stopped' : 'finished', options.now());
    // Read the counts and write the record under one lock, so a process that
    // read earlier never writes over a later, fuller record.
    const { counts, inOtherHands, complete } = await withEditionRecordLock(
      store,
      edition.id,
      async () => {
        const after = await deliveryCounts(store, edition.id);
        // Rows other processes hold now: theirs to finish, not this run's to report as left.
        const inOtherHands = after.claimed + after.sending + after.retrying;
        const counts = {
          sent: after.sent,
          failed: after.failed,
          suppressed: after.suppressed,
          deferred: after.pending + after.deferred,
        };
        const complete = !stopped && counts.deferred === 0 && inOtherHands === 0;
        await recordDeliveryEnd(
          root,
          edition.id,
          undefined,
          options.now(),
          { ...counts, deferred: counts.deferred + inOtherHands },
          complete,
        );
        return { counts, inOtherHands, complete };
      },
    );
    return {
      editionId: edition.id,
      total: begun.total,
      counts,
      inOtherHands,
      sentNow,
      skipped: finalBefore,
      possibleDuplicates,
      durationMs: performance.now() - started,
      complete,
      editionComplete: complete,
      ...(stopped ? { stopped } : {}),
      ...(lastFailure ? { lastFailure } : {}),
      ledger: options.ledger,
    };
  } finally {
    // Reached first only when something threw: what this process holds goes back.
    await writer.flush();
    await worker.finish('stopped', options.now());
  }
}

/**
 * The rows to send, claimed a batch at a time and handed out one by one,
 * to callers that may ask at once. A run walks forward by id; when nothing
 * is left ahead it recovers stopped processes' rows (`recover` returns how
 * many it put back) and looks again from the start, and ends when a look
 * from the start finds nothing and nothing was put back.
 */
function claimQueue(
  claim: (after: number) => Promise<ClaimedDelivery[]>,
  recover: () => Promise<number>,
): { next(): Promise<ClaimedDelivery | undefined> } {
  let buffer: ClaimedDelivery[] = [];
  let after = 0;
  let done = false;
  let turn: Promise<unknown> = Promise.resolve();
  const take = async (): Promise<ClaimedDelivery | undefined> => {
    for (;;) {
      const row = buffer.shift();
      if (row) return row;
      if (done) return undefined;
      const rows = await claim(after);
      const last = rows.at(-1);
      if (last) {
        buffer = rows;
        after = last.id;
        continue;
      }
      const putBack = await recover();
      if (after === 0 && putBack === 0) {
        done = true;
        return undefined;
      }
      after = 0;
    }
  };
  return {
    next: () => {
      const result = turn.then(take);
      turn = result.catch(() => {});
      return result;
    },
  };
}
