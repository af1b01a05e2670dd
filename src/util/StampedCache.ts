import type { Stats } from 'node:fs';
import { type FileStamp, sameStamp, stampOf } from './fileStamp.js';

/** Values derived from files (or folders), kept while the file is as it was (`fileStamp.ts`). */
export class StampedCache<T> {
  #entries = new Map<string, { stamp: FileStamp; value: T; sweep: number }>();
  #sweep = 0;

  /** The value stored for `filePath`, when `stats` (taken now) say it has not changed since. */
  lookup(filePath: string, stats: Stats): T | undefined {
    const entry = this.#entries.get(filePath);
    if (!entry) return undefined;
    if (!sameStamp(entry.stamp, stats)) {
      this.#entries.delete(filePath);
      return undefined;
    }
    entry.sweep = this.#sweep;
    return entry.value;
  }

  /**
   * Remember `value` for `filePath` under `stats` taken before it was read:
   * a change after the stat gives the file a new stamp, so it is read again.
   */
  store(filePath: string, stats: Stats, value: T): void {
    this.#entries.set(filePath, { stamp: stampOf(stats), value, sweep: this.#sweep });
  }

  /**
   * Drop every entry neither found nor stored since the last sweep: its file
   * was deleted, renamed or no longer read. Marks rather than a set of the
   * paths read: hashing thousands of fresh path strings a load costs more
   * than the lookups themselves.
   */
  sweep(): void {
    for (const [filePath, entry] of this.#entries)
      if (entry.sweep !== this.#sweep) this.#entries.delete(filePath);
    this.#sweep++;
  }
}
