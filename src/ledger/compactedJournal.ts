import { closeSync } from 'node:fs';
import { openNoFollowSync } from '../util/openNoFollow.js';
import { type ReadLinesOptions, readLinesSync } from '../util/readLinesSync.js';
import {
  type CompactedHeader,
  compactLine,
  type JournalHeader,
  type JournalReadState,
  type JournalRecord,
  parseJournalLine,
  statusOfCompactLine,
} from './journalLine.js';
import { LastLinePerHash, type LastLinePerHashOptions } from './LastLinePerHash.js';

export interface CompactionOf {
  /** `secretId` of the secret the journal was written under (checked by `Journal.open`). */
  key: string;
  edition: string;
}

/**
 * A journal as a finished edition keeps it: a JSON header (key, edition,
 * counts, time range), then one line per recipient sorted by hash,
 * `<hash><status letter>` (24 bytes with the newline; a failure adds its SMTP
 * code), in pieces of about 64 KB for a file write. The input may be in
 * any form: JSON lines (begun by an earlier version, or appended by one
 * below a compacted journal), the open form (a header, then compact lines
 * in the order written; its `from` is the compacted header's), or compacted
 * with compact lines appended by a re-run.
 *
 * Read from the file (synced first by the caller) once: each line, made
 * compact, goes to `LastLinePerHash`, which keeps each hash's last line in
 * sorted runs of a bounded size (spilled to a temporary file beside the
 * journal, removed when done or on failure) and merges them. Memory stays
 * near 10 MB at any size; a table of every recipient's last line number
 * with the lines sorted in memory took about 75 MB at a million.
 */
export function* compactedJournal(
  filePath: string,
  of: CompactionOf,
  options: ReadLinesOptions & LastLinePerHashOptions = {},
): Generator<string> {
  const kept = new LastLinePerHash(filePath, options);
  try {
    let from: string | undefined;
    let to: string | undefined;
    const widen = (at: string | undefined) => {
      if (at === undefined) return;
      if (from === undefined || at.localeCompare(from) < 0) from = at;
      if (to === undefined || at.localeCompare(to) > 0) to = at;
    };
    const pass = records(filePath, of.key, options);
    for (const { record } of pass) {
      kept.push(compactLine(record));
      widen(record.at);
    }
    const read = pass.header;
    if (read?.journal === 'compacted') {
      widen(read.from);
      widen(read.to);
    } else if (read !== undefined && (from === undefined || read.from.localeCompare(from) < 0)) {
      // A journal in the open form names only when it began: its lines hold
      // no times, so nothing says when the last was written.
      from = read.from;
    }
    // Statuses are counted in the order the journal first names them among
    // the lines kept, as the header has always listed them.
    const tally = new Map<string, { first: number; count: number }>();
    for (const { line, order } of kept.sorted()) {
      const status = statusOfCompactLine(line);
      const seen = tally.get(status);
      if (seen === undefined) tally.set(status, { first: order, count: 1 });
      else {
        seen.count++;
        seen.first = Math.min(seen.first, order);
      }
    }
    const counts: Record<string, number> = Object.fromEntries(
      [...tally]
        .sort(([, a], [, b]) => a.first - b.first)
        .map(([status, { count }]) => [status, count]),
    );
    const header: CompactedHeader = {
      journal: 'compacted',
      version: 1,
      key: of.key,
      edition: of.edition,
      counts,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    };
    let chunk = `${JSON.stringify(header)}\n`;
    for (const { line } of kept.sorted()) {
      chunk += line;
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  } finally {
    kept.close();
  }
}

/** Readable records of the journal with their line numbers; `header` once read. */
function records(
  filePath: string,
  key: string,
  options: ReadLinesOptions,
): Iterable<{ record: JournalRecord; line: number }> & { header?: JournalHeader | undefined } {
  const state: JournalReadState = {};
  const result = {
    get header() {
      return state.header;
    },
    *[Symbol.iterator]() {
      const fd = openNoFollowSync(filePath, 'r');
      try {
        for (const read of readLinesSync(fd, options)) {
          if (!read.complete) continue;
          const parsed = parseJournalLine(read, key, state);
          if (typeof parsed === 'object') yield { record: parsed, line: read.line };
        }
      } finally {
        closeSync(fd);
      }
    },
  };
  return result;
}
