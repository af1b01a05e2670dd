import { HashPrefixMap } from './HashPrefixMap.js';
import type { JournalEntry, JournalStatus } from './journalEntrySchema.js';

/** What a send needs of a recipient's latest journal line. */
export interface LastOutcome {
  status: JournalStatus;
  attempt?: number | undefined;
}

const statuses: readonly JournalStatus[] = [
  'sending',
  'sent',
  'failed',
  'suppressed',
  'retrying',
  'deferred',
];
const statusIndex = new Map(statuses.map((status, index) => [status, index]));

// A value packs the status (3 bits), whether the list of this run holds the
// recipient (1 bit) and the attempt + 1 (0: none), in 32 bits.
const statusBits = 8;
const listedBit = 8;
const attemptUnit = 16;
/** Attempts are a handful; this only keeps an absurd one from overflowing. */
const maxAttempt = 2 ** 27;

/**
 * The latest status and attempt per address hash in a journal, and which of
 * those hashes the list of this run holds: about 23 bytes a recipient
 * (`HashPrefixMap`), instead of a parsed entry each. Whether a recipient is
 * done is decided on its first 96 bits; see `HashPrefixMap` for the chance
 * that a recipient is taken for another (1.3 × 10^-17 at a million).
 */
export class JournalOutcomes {
  readonly #map: HashPrefixMap;

  /** `expectedSize`: about how many recipients it will hold, when known (sized for them at once). */
  constructor(expectedSize?: number) {
    this.#map = new HashPrefixMap({ values: true, expectedSize });
  }

  get size(): number {
    return this.#map.size;
  }

  /** Note `entry` as its hash's latest; a hash the list holds stays listed. */
  record(entry: Pick<JournalEntry, 'hash' | 'status' | 'attempt'>, listed = false): void {
    const before = this.#map.get(entry.hash);
    const wasListed = before !== undefined && Math.floor(before / listedBit) % 2 === 1;
    const attempt = entry.attempt === undefined ? 0 : Math.min(entry.attempt, maxAttempt) + 1;
    this.#map.set(
      entry.hash,
      attempt * attemptUnit +
        (listed || wasListed ? listedBit : 0) +
        ((statusIndex.get(entry.status) ?? 0) % statusBits),
    );
  }

  /** The latest outcome of `hash`, if it has one. */
  last(hash: string): LastOutcome | undefined {
    const value = this.#map.get(hash);
    return value === undefined ? undefined : decode(value);
  }

  /** Note that the list of this run holds `hash` (for `listedCounts`), and return its latest outcome. */
  listed(hash: string): LastOutcome | undefined {
    const value = this.#map.get(hash);
    if (value === undefined) return undefined;
    if (Math.floor(value / listedBit) % 2 === 0) this.#map.set(hash, value + listedBit);
    return decode(value);
  }

  /** How many hashes have `status` as their latest. */
  count(status: JournalStatus): number {
    let count = 0;
    for (const value of this.#map.values()) if (decode(value).status === status) count++;
    return count;
  }

  /** Final outcomes of the recipients the list of this run holds. */
  listedCounts(): { sent: number; failed: number; suppressed: number } {
    const counts = { sent: 0, failed: 0, suppressed: 0 };
    for (const value of this.#map.values()) {
      if (Math.floor(value / listedBit) % 2 === 0) continue;
      const { status } = decode(value);
      if (status === 'sent' || status === 'failed' || status === 'suppressed') counts[status]++;
    }
    return counts;
  }
}

function decode(value: number): LastOutcome {
  const status = statuses[value % statusBits] ?? 'sending';
  const attempt = Math.floor(value / attemptUnit);
  return attempt === 0 ? { status } : { status, attempt: attempt - 1 };
}
