import type { Stats } from 'node:fs';

/** What says a file or folder is as it was: compared field by field, thousands of times a load. */
interface Stamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/**
 * Values derived from files (or folders), kept while the file is as it was:
 * the same size, modification and change times and inode (nanosecond times
 * on the file systems we run on; a rewrite by rename gives a new inode, and
 * adding, removing or renaming an entry of a folder moves its times).
 */
export class StampedCache<T> {
  #entries = new Map<string, { stamp: Stamp; value: T; sweep: number }>();
  #sweep = 0;

  /** The value stored for `filePath`, when `stats` (taken now) say it has not changed since. */
  lookup(filePath: string, stats: Stats): T | undefined {
    const entry = this.#entries.get(filePath);
    if (!entry) return undefined;
    const { stamp } = entry;
    if (
      stamp.size !== stats.size ||
      stamp.mtimeMs !== stats.mtimeMs ||
      stamp.ctimeMs !== stats.ctimeMs ||
      stamp.ino !== stats.ino
    ) {
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
    const stamp = {
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      ctimeMs: stats.ctimeMs,
      ino: stats.ino,
    };
    this.#entries.set(filePath, { stamp, value, sweep: this.#sweep });
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
