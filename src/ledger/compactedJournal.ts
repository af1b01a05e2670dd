import { closeSync } from 'node:fs';
import { openNoFollowSync } from '../util/openNoFollow.js';
import { type ReadLinesOptions, readLinesSync } from '../util/readLinesSync.js';
import { HashPrefixMap } from './HashPrefixMap.js';
import {
  type CompactedHeader,
  compactLine,
  type JournalReadState,
  type JournalRecord,
  parseJournalLine,
} from './journalLine.js';

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
 * either form (a re-run appends JSON lines below a compacted journal).
 *
 * Read from the file (synced first by the caller) in two passes: the first
 * notes each hash's last line number (`HashPrefixMap`, 17 bytes a
 * recipient) and the time range, the second keeps those lines, which are
 * sorted in memory as 24-character strings.
 */
export function* compactedJournal(
  filePath: string,
  of: CompactionOf,
  options: ReadLinesOptions = {},
): Generator<string> {
  const lastLine = new HashPrefixMap({ values: true });
  let from: string | undefined;
  let to: string | undefined;
  const widen = (at: string | undefined) => {
    if (at === undefined) return;
    if (from === undefined || at.localeCompare(from) < 0) from = at;
    if (to === undefined || at.localeCompare(to) > 0) to = at;
  };
  const pass = records(filePath, of.key, options);
  for (const { record, line } of pass) {
    lastLine.set(record.hash, line);
    widen(record.at);
  }
  widen(pass.header?.from);
  widen(pass.header?.to);
  const kept: string[] = [];
  const counts: Record<string, number> = {};
  for (const { record, line } of records(filePath, of.key, options)) {
    if (lastLine.get(record.hash) !== line) continue;
    kept.push(compactLine(record));
    counts[record.status] = (counts[record.status] ?? 0) + 1;
  }
  // Fixed-width ASCII hashes first: the default order is the hashes' order.
  kept.sort();
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
  for (const line of kept) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Readable records of the journal with their line numbers; `header` once read. */
function records(
  filePath: string,
  key: string,
  options: ReadLinesOptions,
): Iterable<{ record: JournalRecord; line: number }> & { header?: CompactedHeader | undefined } {
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
