import { closeSync, fdatasyncSync, ftruncateSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describeSchemaIssue } from '../diagnostics/describeSchemaIssue.js';
import { openNoFollowSync, readFileNoFollowSync } from '../util/openNoFollow.js';
import { type JournalEntry, type JournalStatus, journalEntrySchema } from './journalEntrySchema.js';
import { OtherSecretError } from './OtherSecretError.js';

export type { JournalEntry, JournalStatus } from './journalEntrySchema.js';

const finalStatuses: ReadonlySet<JournalStatus> = new Set(['sent', 'failed', 'suppressed']);

/** A recipient with this status is done: never mailed again for this edition. */
export function isFinal(status: JournalStatus | undefined): boolean {
  return status !== undefined && finalStatuses.has(status);
}

/**
 * The per-edition delivery journal: append-only JSON lines, written with a
 * synchronous `write` per outcome so that once a line is written, killing
 * the process cannot lose it (it is in the kernel). `fdatasync` runs every
 * second and on close, against a power cut. On open, a line cut short by a
 * crash is dropped.
 */
export class Journal {
  readonly #fd: number;
  #closed = false;
  /** Lines that could not be read when the journal was opened. */
  readonly unreadable: number;
  /** Each unreadable line and why, in file order. */
  readonly problems: readonly JournalProblem[];
  readonly #last = new Map<string, JournalEntry>();
  #lastSync = Date.now();

  private constructor(
    readonly path: string,
    readonly key: string,
    fd: number,
    { entries, problems }: ParsedJournal,
  ) {
    this.#fd = fd;
    this.unreadable = problems.length;
    this.problems = problems;
    for (const entry of entries) this.#last.set(entry.hash, entry);
  }

  /**
   * Open for appending; every line written carries `key` (the `secretId` of
   * the secret in use). Throws an `OtherSecretError`, before anything is
   * changed, when the journal was written under another secret.
   */
  static async open(filePath: string, key: string): Promise<Journal> {
    await mkdir(path.dirname(filePath), { recursive: true });
    const text = readJournalText(filePath);
    const end = text.lastIndexOf('\n') + 1;
    const parsed = parseJournal(text.slice(0, end), key, filePath);
    // An append follows a link: a committed deliveries.jsonl -> ~/.bashrc is refused.
    const fd = openNoFollowSync(filePath, 'a+');
    // A crash can cut the last line short; drop it so the next append starts clean.
    if (end < text.length) ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
    return new Journal(filePath, key, fd, parsed);
  }

  /**
   * The latest entry per hash, read without opening the journal for writing
   * (for `--dry-run`, and before a send records anything). Throws an
   * `OtherSecretError` as `open` does, so a dry run refuses what a send would.
   */
  static peek(filePath: string, key: string): Map<string, JournalEntry> {
    const { entries } = parseJournal(readJournalText(filePath), key, filePath);
    return new Map(entries.map((entry) => [entry.hash, entry]));
  }

  /** The latest entry for an address hash. */
  last(hash: string): JournalEntry | undefined {
    return this.#last.get(hash);
  }

  /** Hashes whose last entry is `sending`: in flight when a run stopped. */
  inFlight(): string[] {
    return [...this.#last.values()].filter((e) => e.status === 'sending').map((e) => e.hash);
  }

  append(entry: JournalEntry): void {
    if (this.#closed) throw new Error(`the journal ${this.path} is closed`);
    const keyed: JournalEntry = { ...entry, key: this.key };
    writeSync(this.#fd, `${JSON.stringify(keyed)}\n`);
    this.#last.set(entry.hash, keyed);
    if (Date.now() - this.#lastSync > 1000) this.sync();
  }

  sync(): void {
    fdatasyncSync(this.#fd);
    this.#lastSync = Date.now();
  }

  /**
   * Every recipient's final line only, oldest first: what a finished edition
   * keeps. Yielded in pieces of about 64 KB for a file write, so a long list
   * is never one string in memory (100,000 recipients make about 15 MB, and
   * the write as much again in bytes).
   */
  *compacted(): Generator<string> {
    const entries = [...this.#last.values()].sort(
      (a, b) => a.at.localeCompare(b.at) || a.hash.localeCompare(b.hash),
    );
    let chunk = '';
    for (const entry of entries) {
      chunk += `${JSON.stringify(entry)}\n`;
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
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
  entries: JournalEntry[];
  problems: JournalProblem[];
}

function readJournalText(filePath: string): string {
  try {
    return readFileNoFollowSync(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

function parseJournal(text: string, key: string, filePath: string): ParsedJournal {
  const entries: JournalEntry[] = [];
  const problems: JournalProblem[] = [];
  let otherKey = 0;
  let line = 0;
  for (const lineText of text.split('\n')) {
    line++;
    if (!lineText.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch {
      // A line we cannot read tells us nothing; its recipient is tried again,
      // and the caller says how many such lines there were.
      problems.push({
        line,
        reason: 'Unexpected text that is not JSON, expected one JSON object per line',
      });
      continue;
    }
    const result = journalEntrySchema.safeParse(value);
    if (!result.success) {
      problems.push({ line, reason: describeSchemaIssue(result.error, value) });
      continue;
    }
    // Lines written before the key was recorded carry none, and are taken to match.
    if (result.data.key !== undefined && result.data.key !== key) otherKey++;
    entries.push(result.data);
  }
  // Under another secret every hash differs, so nobody in the journal would
  // be recognised and everyone would be mailed again.
  if (otherKey > 0) throw new OtherSecretError(filePath, otherKey);
  return { entries, problems };
}
