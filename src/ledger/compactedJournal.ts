import { closeSync } from 'node:fs';
import { openNoFollowSync } from '../util/openNoFollow.js';
import { type ReadLinesOptions, readLinesSync } from '../util/readLinesSync.js';
import { HashPrefixMap } from './HashPrefixMap.js';
import {
  type CompactedHeader,
  compactLine,
  type JournalHeader,
  type JournalReadState,
  type JournalRecord,
  parseJournalLine,
} from './journalLine.js';

export interface CompactionOf {
  /** `secretId` of the secret the journal was written under (checked by `Journal.open`). */
  key: string;
  edition: string;
  /** About how many recipients the journal names, when known: its table is sized for them at once. */
  expectedSize?: number | undefined;
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
 * Read from the file (synced first by the caller) in two passes: the first
 * notes each hash's last line number (`HashPrefixMap`, 17 bytes a
 * recipient) and the time range, the second keeps those lines, which are
 * sorted in memory as bytes (`KeptLines`, about 40 bytes a recipient; as
 * strings they took over 110 and a million of them 230 MB at the peak).
 */
export function* compactedJournal(
  filePath: string,
  of: CompactionOf,
  options: ReadLinesOptions = {},
): Generator<string> {
  const lastLine = new HashPrefixMap({ values: true, expectedSize: of.expectedSize });
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
  const read = pass.header;
  if (read?.journal === 'compacted') {
    widen(read.from);
    widen(read.to);
  } else if (read !== undefined && (from === undefined || read.from.localeCompare(from) < 0)) {
    // A journal in the open form names only when it began: its lines hold
    // no times, so nothing says when the last was written.
    from = read.from;
  }
  const kept = new KeptLines(lastLine.size);
  const counts: Record<string, number> = {};
  for (const { record, line } of records(filePath, of.key, options)) {
    if (lastLine.get(record.hash) !== line) continue;
    kept.push(compactLine(record));
    counts[record.status] = (counts[record.status] ?? 0) + 1;
  }
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
  for (const line of kept.sorted()) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Bytes a kept line takes when it is a hash, a status letter and a newline: nearly all. */
const usualLineBytes = 24;
/** Every compacted line starts with its recipient's hash, 22 ASCII characters. */
const hashBytes = 22;

/**
 * The kept lines in one buffer, with where each starts, handed back in the
 * order a sort of the strings would give. Each line starts with its own
 * hash (one line a hash, each of the same 22 ASCII characters), so that
 * order is the hashes': sorted on their first 8 bytes as two numbers, then
 * on the whole hash when those are equal.
 */
class KeptLines {
  #bytes: Buffer;
  #end = 0;
  #starts: Uint32Array;
  #count = 0;

  constructor(expected: number) {
    this.#bytes = Buffer.allocUnsafe(Math.max(1024, expected * usualLineBytes));
    this.#starts = new Uint32Array(Math.max(16, expected + 1));
  }

  push(line: string): void {
    const length = Buffer.byteLength(line, 'latin1');
    if (this.#end + length > this.#bytes.length) {
      const bytes = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#end + length));
      this.#bytes.copy(bytes, 0, 0, this.#end);
      this.#bytes = bytes;
    }
    // One more than the lines, for where the last one ends.
    if (this.#count + 2 > this.#starts.length) {
      const starts = new Uint32Array(this.#starts.length * 2);
      starts.set(this.#starts);
      this.#starts = starts;
    }
    this.#starts[this.#count++] = this.#end;
    this.#end += this.#bytes.write(line, this.#end, 'latin1');
    this.#starts[this.#count] = this.#end;
  }

  *sorted(): Generator<string> {
    const bytes = this.#bytes;
    const starts = this.#starts;
    const count = this.#count;
    const high = new Uint32Array(count);
    const low = new Uint32Array(count);
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const start = starts[i] ?? 0;
      high[i] = bytes.readUInt32BE(start);
      low[i] = bytes.readUInt32BE(start + 4);
      order[i] = i;
    }
    order.sort((a, b) => {
      const byHigh = (high[a] ?? 0) - (high[b] ?? 0);
      if (byHigh !== 0) return byHigh;
      const byLow = (low[a] ?? 0) - (low[b] ?? 0);
      if (byLow !== 0) return byLow;
      const at = starts[a] ?? 0;
      const bt = starts[b] ?? 0;
      return bytes.compare(bytes, bt, bt + hashBytes, at, at + hashBytes);
    });
    for (const i of order) yield bytes.toString('latin1', starts[i], starts[i + 1]);
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
