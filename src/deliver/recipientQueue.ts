import { VFile } from 'vfile';
import { addressHash, inShard } from '../ledger/addressHash.js';
import type { Shard } from '../ledger/archivePaths.js';
import { isFinal, type JournalEntry } from '../ledger/Journal.js';
import { readSubscribers, type Subscriber } from './readSubscribers.js';

export interface RecipientQueueOptions {
  /** The subscriber list (CSV); problems in it go on `listFile`, once. */
  subscribersPath: string;
  listFile: VFile;
  secret: string;
  shard?: Shard | undefined;
  /** Whether an address hash is suppressed for every edition (unsubscribed, bounced). */
  isSuppressed: (hash: string) => boolean;
  /** The latest journal entry of a recipient for this edition (this shard). */
  lastEntry: (hash: string) => JournalEntry | undefined;
  /**
   * A suppressed recipient met for the first time in this edition: the send
   * journals it; a dry run only counts it.
   */
  onSuppressed?: (hash: string) => void;
}

/** Someone to send to, with the try number the journal says comes next. */
export interface Recipient {
  subscriber: Subscriber;
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
 * `open` reads the list once to count it (without holding it in memory) and
 * report its problems; `next` reads it a second time.
 */
export class RecipientQueue {
  /** Recipients in the list (in this shard), after invalid and duplicate rows. */
  readonly total: number;
  /** Recipients with a final outcome before this run. */
  skipped = 0;
  /** Recipients passed over because they are suppressed. */
  suppressed = 0;
  /** Every recipient of the list met so far (its hash), to count outcomes over the list as it is now. */
  readonly seen = new Set<string>();
  #exhausted = false;
  readonly #list: AsyncIterator<Subscriber, void, undefined>;
  readonly #options: RecipientQueueOptions;

  private constructor(options: RecipientQueueOptions, total: number) {
    this.#options = options;
    this.total = total;
    // The second pass: the list's problems were reported by the first.
    this.#list = readSubscribers(options.subscribersPath, new VFile())[Symbol.asyncIterator]();
  }

  /**
   * Count the list and report its problems on `listFile`. A list nobody can
   * be read from (no `email` column) leaves a fatal message there and an
   * empty queue: the caller decides whether that stops it.
   */
  static async open(options: RecipientQueueOptions): Promise<RecipientQueue> {
    let total = 0;
    for await (const subscriber of readSubscribers(options.subscribersPath, options.listFile)) {
      if (inShard(subscriber.email, options.secret, options.shard)) total++;
    }
    return new RecipientQueue(options, total);
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
      this.seen.add(hash);
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
