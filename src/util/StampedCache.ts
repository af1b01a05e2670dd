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
  #entries = new Map<string, { stamp: Stamp; value: T }>();

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
    )
      return undefined;
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
    this.#entries.set(filePath, { stamp, value });
  }

  /** Drop every entry not in `kept`: deleted, renamed or no longer read. */
  retain(kept: ReadonlySet<string>): void {
    for (const filePath of this.#entries.keys())
      if (!kept.has(filePath)) this.#entries.delete(filePath);
  }
}
