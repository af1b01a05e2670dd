import type { Stats } from 'node:fs';

/**
 * What says a file (or folder) is as it was: its size, modification and
 * change times and inode (nanosecond times on the file systems we run on; a
 * rewrite by rename gives a new inode, and adding, removing or renaming an
 * entry of a folder moves its times). Compared field by field, thousands of
 * times a load.
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export function stampOf(stats: Stats): FileStamp {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino };
}

/** Whether `stats` (taken now) say the file is as it was when `stamp` was taken. */
export function sameStamp(stamp: FileStamp, stats: Stats): boolean {
  return (
    stamp.size === stats.size &&
    stamp.mtimeMs === stats.mtimeMs &&
    stamp.ctimeMs === stats.ctimeMs &&
    stamp.ino === stats.ino
  );
}
