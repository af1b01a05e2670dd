import { closeSync } from 'node:fs';
import { openNoFollowSync } from '../util/openNoFollow.js';
import { type ReadLinesOptions, readLinesSync } from '../util/readLinesSync.js';
import { HashPrefixMap } from './HashPrefixMap.js';
import { journalEntrySchema } from './journalEntrySchema.js';

interface Kept {
  at: string;
  hash: string;
  text: string;
}

/**
 * A journal as a finished edition keeps it: each recipient's last readable
 * line only, ordered by time and then hash, in pieces of about 64 KB for a
 * file write. Read from the file (synced first by the caller) rather than
 * from memory, in passes: the first notes each hash's last line number
 * (`HashPrefixMap`, 17 bytes a recipient), the second checks that those
 * lines are already in time order, as a journal written by one clock is,
 * and the third writes them, sorting only runs of lines with the same time.
 * Lines out of time order (a clock set back between runs) fall back to
 * sorting every kept line in memory.
 */
export function* compactedJournal(
  filePath: string,
  options: ReadLinesOptions = {},
): Generator<string> {
  const lastLine = new HashPrefixMap({ values: true });
  for (const kept of keptLines(filePath, options, () => true)) lastLine.set(kept.hash, kept.line);
  const isLast = (hash: string, line: number) => lastLine.get(hash) === line;
  let inOrder = true;
  let previous = '';
  for (const kept of keptLines(filePath, options, isLast)) {
    if (compare(kept.at, previous) < 0) {
      inOrder = false;
      break;
    }
    previous = kept.at;
  }
  let chunk = '';
  const flush = function* (run: Kept[]): Generator<string> {
    run.sort((a, b) => compare(a.at, b.at) || compare(a.hash, b.hash));
    for (const kept of run) {
      chunk += `${kept.text}\n`;
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
  };
  if (!inOrder) {
    yield* flush([...keptLines(filePath, options, isLast)]);
  } else {
    let run: Kept[] = [];
    for (const kept of keptLines(filePath, options, isLast)) {
      if (run.length > 0 && run[0]?.at !== kept.at) {
        yield* flush(run);
        run = [];
      }
      run.push(kept);
    }
    yield* flush(run);
  }
  if (chunk) yield chunk;
}

/** Readable journal lines for which `keep(hash, line)` holds, as written (re-serialised in schema order). */
function* keptLines(
  filePath: string,
  options: ReadLinesOptions,
  keep: (hash: string, line: number) => boolean,
): Generator<Kept & { line: number }> {
  const fd = openNoFollowSync(filePath, 'r');
  try {
    for (const read of readLinesSync(fd, options)) {
      if (!read.complete || read.tooLong || !read.text.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(read.text);
      } catch {
        continue;
      }
      const result = journalEntrySchema.safeParse(value);
      if (!result.success || !keep(result.data.hash, read.line)) continue;
      const { at, hash } = result.data;
      yield { at, hash, text: JSON.stringify(result.data), line: read.line };
    }
  } finally {
    closeSync(fd);
  }
}

/** The order compaction has always used. */
function compare(a: string, b: string): number {
  return a.localeCompare(b);
}
