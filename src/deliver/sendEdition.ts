import path from 'node:path';
import type { VFile } from 'vfile';
import type { Config } from '../config/configSchema.js';
import { acquireLock } from '../ledger/acquireLock.js';
import { journalPath, type Shard, sendLockPath } from '../ledger/archivePaths.js';
import { compactedJournal } from '../ledger/compactedJournal.js';
import { type DeliveryCounts, emptyCounts } from '../ledger/EditionRecord.js';
import { editionStartedAt } from '../ledger/editionStartedAt.js';
import { HashPrefixMap } from '../ledger/HashPrefixMap.js';
import { Journal } from '../ledger/Journal.js';
import { recordDeliveryEnd, recordDeliveryStart } from '../ledger/recordDelivery.js';
import { secretId } from '../ledger/secretId.js';
import { sendWritePaths } from '../ledger/sendWritePaths.js';
import { readSuppressions } from '../ledger/suppressions.js';
import type { Rendered } from '../render/Rendered.js';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import {
  type ListedSubscriber,
  type Recipient,
  RecipientQueue,
  type RecipientSource,
} from './recipientQueue.js';
import { type LoopItem, runSendLoop, type Tally } from './sendLoop.js';
import type { Transport } from './transports/Transport.js';

export interface SendProgress {
  /** Recipients with an outcome in this run or an earlier one. */
  done: number;
  total: number;
  /** Sent in this run. */
  sentNow: number;
  elapsedMs: number;
}

export interface SendOptions {
  root: string;
  rendered: Rendered;
  config: Config;
  transport: Transport;
  /** The subscriber list (CSV); problems in it go on `listFile`. */
  subscribersPath?: string | undefined;
  /** Another list than a CSV (the store); takes the place of `subscribersPath`. */
  source?: RecipientSource | undefined;
  listFile: VFile;
  /** Hashes suppressed besides `archive/suppressions.jsonl` (the store's). */
  alsoSuppressed?: { has(hash: string): boolean } | undefined;
  /**
   * A recipient refused permanently (a hard bounce), after it is journaled
   * and suppressed: the store marks them bounced.
   */
  onBounced?: ((subscriber: ListedSubscriber) => Promise<void>) | undefined;
  /** Recipients accepted by the transport, a batch at a time (the store notes the edition). */
  onDelivered?: ((subscribers: readonly ListedSubscriber[]) => Promise<void>) | undefined;
  secret: string;
  shard?: Shard | undefined;
  /** Aborting stops taking recipients; those in flight finish and are journaled. */
  signal: AbortSignal;
  now: () => Date;
  onProgress?: (progress: SendProgress) => void;
  /**
   * Called once the journal is open, before anything is sent, with how many
   * recipients were in flight when an earlier run stopped. Said at the start
   * because this run may itself be killed before it reports anything.
   */
  onPossibleDuplicates?: (count: number) => void;
  /**
   * Called at once when lines of the journal could not be read: their
   * recipients are sent again. `problems` has one `path:line: reason` each.
   */
  onUnreadableJournal?: (lines: number, problems: readonly string[]) => void;
}

export interface SendReport {
  editionId: string;
  /** Recipients in the list (in this shard), after invalid and duplicate rows. */
  total: number;
  /** Outcomes over every run of this edition (this shard). */
  counts: DeliveryCounts;
  /** Messages accepted by the transport in this run. */
  sentNow: number;
  /** Recipients already done before this run started. */
  skipped: number;
  /** In flight when an earlier run stopped: sent again, so they may have it twice. */
  possibleDuplicates: number;
  durationMs: number;
  /** Every recipient has a final outcome and none is deferred. */
  complete: boolean;
  /** Whether every shard of the edition is complete (the same as `complete` unsplit). */
  editionComplete: boolean;
  /** Why the run stopped before the end: a signal, or an error no retry can fix. */
  stopped?: string;
  /** The reason of the last temporary failure, so a deferral never goes unexplained. */
  lastFailure?: string;
  /**
   * Recipients other send processes hold as this one ends (the deliveries
   * ledger only): theirs to finish, so neither deferred nor done.
   */
  inOtherHands?: number;
  /** The journal's path, or the deliveries ledger's description. */
  ledger: string;
}

/** The subscriber list cannot be read (no `email` column, say): nothing was started. */
export class UnusableListError extends Error {
  override name = 'UnusableListError';
}

/** A recipient being tried in this run. */
type Pending = Recipient & LoopItem;

/**
 * Mail an edition to every subscriber exactly once, resumably. The message
 * is built once; each recipient's copy only changes its To, Message-ID and
 * unsubscribe token. Every outcome is journaled before the next recipient is
 * taken, so a rerun skips whoever has one. Temporary failures are retried
 * with backoff while the others go on; after the last try they are deferred
 * to the next run. Permanent ones are recorded and never retried; hard
 * bounces are suppressed for later editions.
 */
export async function sendEdition(options: SendOptions): Promise<SendReport> {
  const { root, rendered, config, transport, secret, shard, signal } = options;
  const { edition } = rendered;
  const startedAt = options.now();
  const started = performance.now();
  for (const filePath of sendWritePaths(root, edition.id, shard))
    await assertWritableInsideRoot(root, filePath);
  const release = await acquireLock(sendLockPath(root, edition.id, shard), startedAt);
  let journal: Journal | undefined;
  try {
    const key = secretId(secret);
    const journalFile = journalPath(root, edition.id, shard);
    // The journal and suppressions are read once the list is counted, before
    // the queue hands anyone out.
    let suppressed: { has(hash: string): boolean } = new Set<string>();
    const stamp = () => options.now().toISOString();
    // The first pass counts the list for progress and ETA without holding it
    // in memory, and reports its problems once. A list nobody can be read
    // from (no `email` column) stops here, before anything is recorded.
    // A resumed run (or another shard) lists who was active when the edition
    // first began, so nobody activated since is added half-way.
    const activeAt = (await editionStartedAt(root, edition.id)) ?? startedAt;
    const alsoSuppressed = options.alsoSuppressed ?? new Set<string>();
    const queue = await RecipientQueue.open({
      subscribersPath: options.subscribersPath,
      source: options.source,
      activeAt,
      listFile: options.listFile,
      secret,
      shard,
      isSuppressed: (hash) => suppressed.has(hash) || alsoSuppressed.has(hash),
      lastEntry: (hash) => journal?.listed(hash),
      onSuppressed: (hash) => journal?.append({ at: stamp(), hash, status: 'suppressed' }),
    });
    if (options.listFile.messages.some((m) => m.fatal)) {
      throw new UnusableListError(
        `the subscriber list ${options.subscribersPath ?? options.listFile.path} cannot be used`,
      );
    }
    const { total } = queue;

    // Refuses a journal written under another secret before anything is
    // recorded (`--dry-run` refuses it through `peek`), keeping nothing:
    // `open` reads the outcomes once the record says the send has begun.
    Journal.checkKey(journalFile, key);
    await recordDeliveryStart(root, edition, shard, startedAt, key);
    // Sized for the list at once: doubling on the way would hold the old
    // table beside the new (53 MB instead of 23 at a million).
    const j = await Journal.open(
      journalFile,
      key,
      { edition: edition.id, from: startedAt.toISOString() },
      { expectedSize: total },
    );
    journal = j;
    const possibleDuplicates = j.inFlight();
    if (possibleDuplicates > 0) options.onPossibleDuplicates?.(possibleDuplicates);
    if (j.unreadable > 0) {
      const where = path.relative(root, j.path).split(path.sep).join('/');
      options.onUnreadableJournal?.(
        j.unreadable,
        j.problems.map((p) => `${where}:${p.line}: ${p.reason}`),
      );
    }
    suppressed = (await readSuppressions(root, secret, new HashPrefixMap())).hashes;

    // Outcomes in this run, as last reported (progress counts them with those passed over).
    let tally: Tally = { outcomes: 0, sentNow: 0 };
    const report = () =>
      options.onProgress?.({
        done: queue.passedOver + tally.outcomes,
        total,
        sentNow: tally.sentNow,
        elapsedMs: performance.now() - started,
      });
    const loop = await runSendLoop<Pending>({
      root,
      rendered,
      config,
      transport,
      secret,
      signal,
      now: options.now,
      next: async () => {
        const recipient = await queue.next();
        return recipient && { ...recipient, tries: 1 };
      },
      sending: (item) =>
        j.append({ at: stamp(), hash: item.hash, status: 'sending', attempt: item.attempt }),
      settled: (item, result) =>
        j.append({
          at: stamp(),
          hash: item.hash,
          status: result.status,
          ...(result.code !== undefined ? { code: result.code } : {}),
          ...(result.status === 'sent' ? { messageId: result.messageId } : {}),
          attempt: item.attempt,
          ...(result.status !== 'sent' && result.gaveUp ? { gaveUp: result.gaveUp } : {}),
        }),
      onBounced: options.onBounced,
      onDelivered: options.onDelivered,
      report: (latest) => {
        tally = latest;
        report();
      },
    });
    tally = loop;
    const { sentNow, lastFailure } = loop;
    let stopped = loop.stopped;
    // Whoever waits for a retry when the run stops is deferred to the next run.
    for (const item of loop.waiting) {
      j.append({ at: stamp(), hash: item.hash, status: 'deferred', attempt: item.attempt - 1 });
    }
    if (signal.aborted) stopped ??= 'interrupted';
    report();
    const skipped = queue.skipped;
    const listDone = queue.exhausted;

    // Outcomes over the list as it is now: a recipient journaled by an
    // earlier run but since taken off the list is not counted.
    const counts = { ...emptyCounts(), ...j.listedCounts() };
    // Deferred: everyone in the list without a final outcome yet, reached or not.
    counts.deferred = total - counts.sent - counts.failed - counts.suppressed;
    const complete = !stopped && listDone && counts.deferred === 0;
    if (complete) {
      // A finished edition keeps one short line per recipient: its outcome.
      // Its table of outcomes (counted above, 23 MB at a million) goes
      // first, so the compaction reuses that memory instead of adding to it.
      j.releaseOutcomes();
      await writeFileAtomic(j.path, compactedJournal(j.path, { key, edition: edition.id }));
    }
    const finishedAt = options.now();
    const editionComplete = await recordDeliveryEnd(
      root,
      edition.id,
      shard,
      finishedAt,
      counts,
      complete,
    );
    return {
      editionId: edition.id,
      total,
      counts,
      sentNow,
      skipped,
      possibleDuplicates,
      durationMs: performance.now() - started,
      complete,
      editionComplete,
      ...(stopped ? { stopped } : {}),
      ...(lastFailure ? { lastFailure } : {}),
      ledger: j.path,
    };
  } finally {
    journal?.close();
    await release();
  }
}
