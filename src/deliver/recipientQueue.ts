import { VFile } from 'vfile';
import { addressHash, inShard } from '../ledger/addressHash.js';
import type { Shard } from '../ledger/archivePaths.js';
import { isFinal, type LastOutcome } from '../ledger/Journal.js';
import { readSubscribers } from './readSubscribers.js';

/** Someone on a list, whichever list: a CSV row or a subscriber in the store. */
export interface ListedSubscriber {
  email: string;
  name?: string | undefined;
  fields: Record<string, string>;
}

/**
 * Where an edition's recipients come from: read once to count and once to
 * send, each time from the start. A CSV reports its problems on `listFile`;
 * a store shows only those active at `activeAt` (the edition's start), so
 * a resumed run sees the same list as the first. A source that can count
 * its list without reading it (the store) has `count`, used when the list
 * is not split into shards.
 */
export interface RecipientSource {
  (pass: { listFile: VFile; activeAt: Date }): AsyncIterable<ListedSubscriber>;
  count?: ((activeAt: Date) => Promise<number>) | undefined;
}

/**
 * A subscriber CSV as a recipient source. The first pass read to its end
 * notes the lines its duplicate check skipped; later passes skip those
 * lines and hold no duplicate table, so a send's loop keeps one table per
 * recipient (the journal's) rather than two.
 */
export function csvRecipients(subscribersPath: string): RecipientSource {
  let duplicates: Set<number> | undefined;
  return ({ listFile }) => {
    if (duplicates)
      return readSubscribers(subscribersPath, listFile, { knownDuplicates: duplicates });
    return (async function* () {
      yield* readSubscribers(subscribersPath, listFile);
      duplicates = new Set(
        listFile.messages
          .filter((message) => message.ruleId === 'subscriber-duplicate')
          .map((message) => message.line ?? 0),
      );
    })();
  };
}

export interface RecipientQueueOptions {
  /** The list: a CSV path, or any other `source` (the store). */
  subscribersPath?: string | undefined;
  source?: RecipientSource | undefined;
  /** When the edition began; a source may show only subscribers active then. */
  activeAt?: Date | undefined;
  /** Problems in the list go here, once. */
  listFile: VFile;
  secret: string;
  shard?: Shard | undefined;
  /** Whether an address hash is suppressed for every edition (unsubscribed, bounced). */
  isSuppressed: (hash: string) => boolean;
  /**
   * The latest journal outcome of a recipient for this edition (this
   * shard); asked once for each recipient of the list in this shard.
   */
  lastEntry: (hash: string) => LastOutcome | undefined;
  /**
   * A suppressed recipient met for the first time in this edition: the send
   * journals it; a dry run only counts it.
   */
  onSuppressed?: (hash: string) => void;
}

/** Someone to send to, with the try number the journal says comes next. */
export interface Recipient {
  subscriber: ListedSubscriber;
  hash: string;
  /** Tries over every run, as the journal counts them (from 1). */
  attempt: number;
}

/**
 * Who an edition goes to, in list order: the list's valid rows (invalid and
 * duplicate rows are skipped by `readSubscribers`), in this shard, without
 * those that already have a final outcome in the journal and those
 * suppressed. The one place that decides it, for a send and for `--dry-run`
 * alike, so a dry run counts exactly what a send would send.
 *
 * `open` reads the list once to count it (holding no more than the list's
 * duplicate check, dropped after) and report its problems, or has the
 * source count it; `next` reads it a second time. Nothing here grows with
 * the list: who is done is the journal's to hold.
 */
export class RecipientQueue {
  /** Recipients in the list (in this shard), after invalid and duplicate rows. */
  readonly total: number;
  /** Recipients with a final outcome before this run. */
  skipped = 0;
  /** Recipients passed over because they are suppressed. */
  suppressed = 0;
  #exhausted = false;
  readonly #list: AsyncIterator<ListedSubscriber>;
  readonly #options: RecipientQueueOptions;

  private constructor(
    options: RecipientQueueOptions,
    source: RecipientSource,
    activeAt: Date,
    total: number,
  ) {
    this.#options = options;
    this.total = total;
    // The second pass: the list's problems were reported by the first.
    this.#list = source({ listFile: new VFile(), activeAt })[Symbol.asyncIterator]();
  }

  /**
   * Count the list and report its problems on `listFile`. A list nobody can
   * be read from (no `email` column) leaves a fatal message there and an
   * empty queue: the caller decides whether that stops it.
   */
  static async open(options: RecipientQueueOptions): Promise<RecipientQueue> {
    const source =
      options.source ??
      (options.subscribersPath !== undefined ? csvRecipients(options.subscribersPath) : undefined);
    if (!source) throw new TypeError('RecipientQueue.open needs a subscribersPath or a source');
    // Both passes see the list as it was at the same moment.
    const activeAt = options.activeAt ?? new Date();
    const { shard } = options;
    let total = 0;
    if (source.count !== undefined && (!shard || shard.count === 1)) {
      total = await source.count(activeAt);
    } else {
      for await (const subscriber of source({ listFile: options.listFile, activeAt })) {
        if (inShard(subscriber.email, options.secret, shard)) total++;
      }
    }
    return new RecipientQueue(options, source, activeAt, total);
  }

  /** Recipients passed over without sending: done before, or suppressed. */
  get passedOver(): number {
    return this.skipped + this.suppressed;
  }

  /** Whether the list has been read to its end. */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** The next recipient to send to, or undefined once the list is read. */
  async next(): Promise<Recipient | undefined> {
    const { secret, shard, isSuppressed, lastEntry } = this.#options;
    while (!this.#exhausted) {
      const next = await this.#list.next();
      if (next.done) {
        this.#exhausted = true;
        return undefined;
      }
      const subscriber = next.value;
      if (!inShard(subscriber.email, secret, shard)) continue;
      const hash = addressHash(subscriber.email, secret);
      const last = lastEntry(hash);
      if (isFinal(last?.status)) {
        this.skipped++;
        continue;
      }
      if (isSuppressed(hash)) {
        this.#options.onSuppressed?.(hash);
        this.suppressed++;
        continue;
      }
      return { subscriber, hash, attempt: (last?.attempt ?? 0) + 1 };
    }
    return undefined;
  }
}
