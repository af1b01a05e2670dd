import path from 'node:path';
import { VFile } from 'vfile';
import type { Config } from '../config/configSchema.js';
import { acquireLock } from '../ledger/acquireLock.js';
import { addressHash, inShard } from '../ledger/addressHash.js';
import { journalPath, type Shard, sendLockPath } from '../ledger/archivePaths.js';
import { type DeliveryCounts, emptyCounts } from '../ledger/EditionRecord.js';
import { isFinal, Journal } from '../ledger/Journal.js';
import { recordDeliveryEnd, recordDeliveryStart } from '../ledger/recordDelivery.js';
import { secretId } from '../ledger/secretId.js';
import { sendWritePaths } from '../ledger/sendWritePaths.js';
import { appendSuppression, readSuppressions, suppressionFor } from '../ledger/suppressions.js';
import type { Rendered } from '../render/Rendered.js';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import { classifyFailure, type Failure, retryDelayMs } from './classifyFailure.js';
import { messageIdFor } from './messageIdFor.js';
import { rateLimiter, sleep } from './rateLimiter.js';
import { prepareRawMessage } from './rawMessage.js';
import { readSubscribers, type Subscriber } from './readSubscribers.js';
import type { Transport } from './transports/Transport.js';
import { createUnsubscribeToken } from './unsubscribeToken.js';

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
  subscribersPath: string;
  listFile: VFile;
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
  journal: string;
}

/** Refusals in a row after which the run stops: the relay, not the addresses, is the likely cause. */
const maxConsecutiveRefusals = 10;

/** The subscriber list cannot be read (no `email` column, say): nothing was started. */
export class UnusableListError extends Error {
  override name = 'UnusableListError';
}

interface Pending {
  subscriber: Subscriber;
  hash: string;
  /** Tries over every run, as the journal counts them. */
  attempt: number;
  /** Tries in this run: each run gets the full number of retries. */
  tries: number;
  dueAt: number;
}

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
    const ours = (s: Subscriber) => inShard(s.email, secret, shard);
    // A first pass counts the list for progress and ETA without holding it in
    // memory, and reports its problems once. A list nobody can be read from
    // (no `email` column) stops here, before anything is recorded.
    let total = 0;
    for await (const s of readSubscribers(options.subscribersPath, options.listFile)) {
      if (ours(s)) total++;
    }
    if (options.listFile.messages.some((m) => m.fatal)) {
      throw new UnusableListError(`the subscriber list ${options.subscribersPath} cannot be used`);
    }

    const key = secretId(secret);
    const journalFile = journalPath(root, edition.id, shard);
    // Refuses a journal written under another secret before anything is
    // recorded; `--dry-run` makes the same check through the same call.
    Journal.peek(journalFile, key);
    await recordDeliveryStart(root, edition, shard, startedAt, key);
    journal = await Journal.open(journalFile, key);
    const possibleDuplicates = journal.inFlight().length;
    if (possibleDuplicates > 0) options.onPossibleDuplicates?.(possibleDuplicates);
    if (journal.unreadable > 0) {
      const where = path.relative(root, journal.path).split(path.sep).join('/');
      options.onUnreadableJournal?.(
        journal.unreadable,
        journal.problems.map((p) => `${where}:${p.line}: ${p.reason}`),
      );
    }
    const { hashes: suppressed } = await readSuppressions(root, secret);

    const build = prepareRawMessage(rendered, config);
    const limit = rateLimiter(config.send.rate);
    const retryBase = config.send.retryDelay * 1000;
    const maxAttempts = config.send.retries + 1;
    // Over every run of this edition: three runs' worth of tries, then give up.
    const maxAttemptsOverall = maxAttempts * 3;
    const retries: Pending[] = [];
    // The second pass: the list's problems were reported by the first.
    const list = readSubscribers(options.subscribersPath, new VFile())[Symbol.asyncIterator]();
    let listDone = false;
    let done = 0;
    let skipped = 0;
    let sentNow = 0;
    let stopped: string | undefined;
    let lastFailure: string | undefined;
    let consecutiveConnectionFailures = 0;
    let consecutiveRefusals = 0;
    // Every recipient of the list met in this pass, to count outcomes over the
    // list as it is now (not over addresses since removed from it).
    const seen = new Set<string>();
    const j = journal;
    const stamp = () => options.now().toISOString();
    const report = () =>
      options.onProgress?.({ done, total, sentNow, elapsedMs: performance.now() - started });

    const nextFromList = async (): Promise<Pending | undefined> => {
      while (!listDone) {
        const next = await list.next();
        if (next.done) {
          listDone = true;
          return undefined;
        }
        const subscriber = next.value;
        if (!ours(subscriber)) continue;
        const hash = addressHash(subscriber.email, secret);
        seen.add(hash);
        if (isFinal(j.last(hash)?.status)) {
          done++;
          skipped++;
          continue;
        }
        if (suppressed.has(hash)) {
          j.append({ at: stamp(), hash, status: 'suppressed' });
          done++;
          continue;
        }
        return {
          subscriber,
          hash,
          attempt: (j.last(hash)?.attempt ?? 0) + 1,
          tries: 1,
          dueAt: 0,
        };
      }
      return undefined;
    };

    const attempt = async (item: Pending): Promise<void> => {
      const { subscriber, hash } = item;
      const message = build(subscriber, {
        token: createUnsubscribeToken(subscriber.email, secret),
        // The same per recipient and edition: a resend after a crash carries the
        // same Message-ID, which lets mail systems drop the second copy.
        messageId: messageIdFor(config.from, `${edition.id}.${hash.slice(0, 16)}`),
        date: options.now(),
      });
      j.append({ at: stamp(), hash, status: 'sending', attempt: item.attempt });
      let failure: Failure | undefined;
      try {
        const delivery = await transport.send(message);
        const replyCode = /^([2-5]\d\d)\b/.exec(delivery.response)?.[1];
        j.append({
          at: stamp(),
          hash,
          status: 'sent',
          ...(replyCode ? { code: Number(replyCode) } : {}),
          messageId: delivery.messageId,
          attempt: item.attempt,
        });
        done++;
        sentNow++;
        consecutiveConnectionFailures = 0;
        consecutiveRefusals = 0;
        return;
      } catch (error) {
        failure = classifyFailure(error);
      }
      consecutiveConnectionFailures =
        failure.code === undefined ? consecutiveConnectionFailures + 1 : 0;
      consecutiveRefusals = failure.kind === 'permanent' ? consecutiveRefusals + 1 : 0;
      const code = failure.code !== undefined ? { code: failure.code } : {};
      if (failure.kind === 'fatal') {
        // The relay refuses us, not this recipient: nobody is recorded as failed for it.
        j.append({ at: stamp(), hash, status: 'deferred', attempt: item.attempt, ...code });
        stopped ??= failure.reason;
        return;
      }
      if (failure.kind === 'permanent') {
        j.append({ at: stamp(), hash, status: 'failed', attempt: item.attempt, ...code });
        if (failure.bounce) {
          await appendSuppression(
            root,
            suppressionFor(subscriber.email, 'bounced', secret, options.now()),
          );
        }
        done++;
        // Many refusals in a row look like the relay, not the addresses: stop
        // before a misconfiguration marks the whole list as failed.
        if (consecutiveRefusals >= maxConsecutiveRefusals) {
          stopped ??= `${maxConsecutiveRefusals} recipients in a row were refused (last: ${failure.reason}); that looks like the relay, not the addresses: check it before sending again`;
        }
        return;
      }
      lastFailure = failure.reason;
      if (item.attempt >= maxAttemptsOverall) {
        // Temporary failures that never end (a full mailbox, endless greylisting)
        // must not hold the edition open for ever.
        j.append({
          at: stamp(),
          hash,
          status: 'failed',
          attempt: item.attempt,
          ...code,
          gaveUp: true,
        });
        done++;
        return;
      }
      if (item.tries >= maxAttempts || signal.aborted) {
        j.append({ at: stamp(), hash, status: 'deferred', attempt: item.attempt, ...code });
        done++;
        return;
      }
      j.append({ at: stamp(), hash, status: 'retrying', attempt: item.attempt, ...code });
      retries.push({
        ...item,
        attempt: item.attempt + 1,
        tries: item.tries + 1,
        dueAt: performance.now() + retryDelayMs(item.tries, retryBase),
      });
      if (consecutiveConnectionFailures >= 20) {
        stopped ??= `20 messages in a row could not reach ${transport.description}: ${failure.reason}`;
      }
    };

    // Each worker keeps one message in flight. A recipient waiting for a retry
    // is set aside, so nobody else waits on it.
    const worker = async (): Promise<void> => {
      while (!signal.aborted && !stopped) {
        const now = performance.now();
        const dueIndex = retries.findIndex((r) => r.dueAt <= now);
        let item: Pending | undefined = dueIndex >= 0 ? retries.splice(dueIndex, 1)[0] : undefined;
        item ??= await nextFromList();
        if (!item) {
          if (listDone && retries.length === 0) return;
          let soonest = Number.POSITIVE_INFINITY;
          for (const r of retries) soonest = Math.min(soonest, r.dueAt);
          await sleep(Math.max(5, Math.min(250, soonest - performance.now())), signal);
          continue;
        }
        await limit(signal);
        if (signal.aborted || stopped) {
          if (item.tries > 1) retries.push(item);
          break;
        }
        await attempt(item);
        report();
      }
    };

    // A worker that throws (the disk is full, say) stops the others before the
    // journal closes; the error is raised once they have all finished.
    let crash: unknown;
    const guarded = async () => {
      try {
        await worker();
      } catch (error) {
        crash ??= error;
        stopped ??= 'an error stopped the run';
      }
    };
    const ticker = setInterval(report, 500);
    try {
      await Promise.all(Array.from({ length: config.send.concurrency }, guarded));
    } finally {
      clearInterval(ticker);
    }
    if (crash) throw crash;
    // Whoever waits for a retry when the run stops is deferred to the next run.
    for (const item of retries) {
      j.append({ at: stamp(), hash: item.hash, status: 'deferred', attempt: item.attempt - 1 });
    }
    if (signal.aborted) stopped ??= 'interrupted';
    report();

    const counts = emptyCounts();
    for (const hash of seen) {
      const status = j.last(hash)?.status;
      if (status === 'sent' || status === 'failed' || status === 'suppressed') counts[status]++;
    }
    // Deferred: everyone in the list without a final outcome yet, reached or not.
    counts.deferred = total - counts.sent - counts.failed - counts.suppressed;
    const complete = !stopped && listDone && counts.deferred === 0;
    if (complete) {
      // A finished edition keeps one line per recipient: its outcome.
      j.sync();
      await writeFileAtomic(j.path, j.compacted());
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
      journal: j.path,
    };
  } finally {
    journal?.close();
    await release();
  }
}
