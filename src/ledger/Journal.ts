import { closeSync, fdatasyncSync, ftruncateSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openNoFollowSync } from '../util/openNoFollow.js';
import { type FileLine, type ReadLinesOptions, readLinesSync } from '../util/readLinesSync.js';
import { JournalOutcomes, type LastOutcome } from './JournalOutcomes.js';
import type { JournalEntry, JournalStatus } from './journalEntrySchema.js';
import {
  compactLine,
  type JournalHeader,
  type JournalReadState,
  type JournalRecord,
  type OpenHeader,
  parseJournalLine,
} from './journalLine.js';
import { OtherSecretError } from './OtherSecretError.js';

export type { LastOutcome } from './JournalOutcomes.js';
export type { JournalEntry, JournalStatus } from './journalEntrySchema.js';

const finalStatuses: ReadonlySet<JournalStatus> = new Set(['sent', 'failed', 'suppressed']);

/** A recipient with this status is done: never mailed again for this edition. */
export function isFinal(status: JournalStatus | undefined): boolean {
  return status !== undefined && finalStatuses.has(status);
}

/** What a journal begun now names in its header line. */
export interface JournalBegin {
  edition: string;
  /** When the send began (ISO). */
  from: string;
}

/**
 * The per-edition delivery journal, append-only. One begun by this version
 * starts with a header line (`{"journal":"open",…}`, see `openHeaderSchema`)
 * and is written in the compact line form from then on, about 51 bytes a
 * recipient sent instead of about 310 as JSON; so is one that was compacted
 * (see `compactedJournal`) and is appended to again. A journal of JSON lines
 * without a header (begun by an earlier version) keeps getting JSON lines,
 * so that it stays one form that version can read. Lines are written with a
 * synchronous `write` per outcome so that once a line is written, killing
 * the process cannot lose it (it is in the kernel). `fdatasync` runs every
 * second and on close, against a power cut. On open, a line cut short by a
 * crash is dropped.
 *
 * Read line by line, a chunk at a time, and held as each recipient's latest
 * status and attempt in a compact table (`JournalOutcomes`), never as the
 * file's text or its parsed lines: a journal of any size resumes, in about
 * 23 bytes of memory a recipient.
 */
export class Journal {
  readonly #fd: number;
  #closed = false;
  /** Lines that could not be read when the journal was opened. */
  readonly unreadable: number;
  /** Each unreadable line and why, in file order. */
  readonly problems: readonly JournalProblem[];
  /** Undefined once released (`releaseOutcomes`). */
  #table: JournalOutcomes | undefined;
  /** Whether lines are appended in the compact form (the journal has a header) or as JSON. */
  readonly compact: boolean;
  #lastSync = Date.now();

  private constructor(
    readonly path: string,
    readonly key: string,
    fd: number,
    compact: boolean,
    { outcomes, problems }: ParsedJournal,
  ) {
    this.#fd = fd;
    this.compact = compact;
    this.unreadable = problems.length;
    this.problems = problems;
    this.#table = outcomes;
  }

  get #last(): JournalOutcomes {
    if (this.#table === undefined) {
      throw new Error(`the outcomes of the journal ${this.path} were released`);
    }
    return this.#table;
  }

  /**
   * Open for appending under `key` (the `secretId` of the secret in use: in
   * the header of a journal begun now, on every line of a JSON one). A
   * journal absent or empty is begun with its header, naming `begin`'s
   * edition and start, synced before any entry. Throws an
   * `OtherSecretError`, before anything is changed, when the journal was
   * written under another secret.
   */
  static async open(
    filePath: string,
    key: string,
    begin: JournalBegin,
    options: ReadLinesOptions & { expectedSize?: number | undefined } = {},
  ): Promise<Journal> {
    await mkdir(path.dirname(filePath), { recursive: true });
    const { parsed, end, size, header } = readJournal(
      filePath,
      key,
      options,
      false,
      options.expectedSize,
    );
    // An append follows a link: a committed deliveries.jsonl -> ~/.bashrc is refused.
    const fd = openNoFollowSync(filePath, 'a+');
    try {
      // A crash can cut the last line short; drop it so the next append starts clean.
      if (end < size) ftruncateSync(fd, end);
      if (end === 0) {
        const opened: OpenHeader = { journal: 'open', version: 1, key, ...begin };
        writeSync(fd, `${JSON.stringify(opened)}\n`);
        // The header decides how every later line is read: it is on disk first.
        fdatasyncSync(fd);
      }
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return new Journal(filePath, key, fd, end === 0 || header !== undefined, parsed);
  }

  /**
   * The latest outcome per hash, read without opening the journal for writing
   * (for `--dry-run`, and before a send records anything). Throws an
   * `OtherSecretError` as `open` does, so a dry run refuses what a send would.
   */
  static peek(
    filePath: string,
    key: string,
    options: ReadLinesOptions & { expectedSize?: number | undefined } = {},
  ): JournalOutcomes {
    return readJournal(filePath, key, options, true, options.expectedSize).parsed.outcomes;
  }

  /**
   * Throws an `OtherSecretError`, as `peek` and `open` do, when the journal
   * was written under another secret; keeps nothing of what it reads. What
   * a send checks before it records anything, without building the table
   * of outcomes `open` builds right after (at a million, 23 MB held twice).
   */
  static checkKey(filePath: string, key: string, options: ReadLinesOptions = {}): void {
    readJournal(filePath, key, options, true, undefined, false);
  }

  /**
   * Every address hash a journal names, once per line, read a chunk at a
   * time: what a bounce's Message-ID prefix is completed from. Lines that
   * cannot be read are skipped; a journal of another secret throws
   * `OtherSecretError`, as `peek` does. Nothing when there is no journal.
   */
  static *hashes(filePath: string, key: string): Generator<string> {
    let fd: number;
    try {
      fd = openNoFollowSync(filePath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const state: JournalReadState = {};
      for (const read of readLinesSync(fd)) {
        const parsed = parseJournalLine(read, key, state);
        if (parsed === 'other-key') throw new OtherSecretError(filePath, 1);
        if (typeof parsed === 'object') yield parsed.hash;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** The latest outcome for an address hash. */
  last(hash: string): LastOutcome | undefined {
    return this.#last.last(hash);
  }

  /**
   * The latest outcome for a hash the list of this run holds, noted so that
   * `listedCounts` counts it.
   */
  listed(hash: string): LastOutcome | undefined {
    return this.#last.listed(hash);
  }

  /** Recipients whose last entry is `sending`: in flight when a run stopped. */
  inFlight(): number {
    return this.#last.count('sending');
  }

  /** Final outcomes of the recipients the list of this run holds (met by `listed` or appended). */
  listedCounts(): { sent: number; failed: number; suppressed: number } {
    return this.#last.listedCounts();
  }

  /**
   * Append an outcome of a recipient the list of this run holds: a compact
   * line (its time and message id are not kept: the message id is derived,
   * `<edition>.<hash16>@domain`), or a JSON line with the key in a journal
   * of JSON lines.
   */
  append(entry: JournalEntry): void {
    if (this.#closed) throw new Error(`the journal ${this.path} is closed`);
    const keyed: JournalEntry = { ...entry, key: this.key };
    writeSync(this.#fd, this.compact ? compactLine(entry) : `${JSON.stringify(keyed)}\n`);
    this.#last.record(keyed, true);
    if (Date.now() - this.#lastSync > 1000) this.sync();
  }

  sync(): void {
    fdatasyncSync(this.#fd);
    this.#lastSync = Date.now();
  }

  /**
   * Let the outcome table (23 MB at a million recipients) go before the
   * journal is compacted, so compaction can reuse that memory; the journal
   * is closed, and reading an outcome afterwards throws.
   */
  releaseOutcomes(): void {
    this.close();
    this.#table = undefined;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sync();
    closeSync(this.#fd);
  }
}

/** A line of the journal that could not be read: its recipient is sent again. */
export interface JournalProblem {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

interface ParsedJournal {
  outcomes: JournalOutcomes;
  problems: JournalProblem[];
}

/**
 * Every line of the journal through the schema, a chunk at a time. `end` is
 * the byte offset after the last complete line; a last line without its
 * newline (a crash cut it short) is read only when `withTail` (a peek).
 */
function readJournal(
  filePath: string,
  key: string,
  options: ReadLinesOptions,
  withTail: boolean,
  expectedSize?: number,
  keep = true,
): { parsed: ParsedJournal; end: number; size: number; header?: JournalHeader | undefined } {
  const outcomes = new JournalOutcomes(expectedSize);
  const record = keep ? (line: JournalRecord) => outcomes.record(line) : () => {};
  const problems: JournalProblem[] = [];
  let fd: number;
  try {
    fd = openNoFollowSync(filePath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { parsed: { outcomes, problems }, end: 0, size: 0 };
    }
    throw error;
  }
  let otherKey = 0;
  let end = 0;
  let size = 0;
  const state: JournalReadState = {};
  try {
    for (const read of readLinesSync(fd, options)) {
      size = read.end;
      if (read.complete) end = read.end;
      else if (!withTail) break;
      const problem = readLine(read, key, state, record);
      if (problem === 'other-key') otherKey++;
      else if (problem !== undefined) problems.push({ line: read.line, reason: problem });
    }
  } finally {
    closeSync(fd);
  }
  // Under another secret every hash differs, so nobody in the journal would
  // be recognised and everyone would be mailed again.
  if (otherKey > 0) throw new OtherSecretError(filePath, otherKey);
  return { parsed: { outcomes, problems }, end, size, header: state.header };
}

/** Hand one line to `record`; or say why it cannot be read. */
function readLine(
  read: FileLine,
  key: string,
  state: JournalReadState,
  record: (line: JournalRecord) => void,
): string | undefined {
  const parsed = parseJournalLine(read, key, state);
  if (typeof parsed !== 'object') return parsed;
  record(parsed);
  return undefined;
}
