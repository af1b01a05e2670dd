import { closeSync, fdatasyncSync, ftruncateSync, readFileSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openNoFollowSync, readFileNoFollowSync } from '../util/openNoFollow.js';

/**
 * `sending` is written before a message is handed to the transport; the
 * outcome after. A `sending` with no outcome after it means the process
 * stopped with that message in flight: it may have been delivered.
 * `retrying` is a temporary failure that this run will try again.
 * `deferred` is a temporary failure this run gave up on; the next run retries it.
 */
export type JournalStatus = 'sending' | 'sent' | 'failed' | 'suppressed' | 'retrying' | 'deferred';

/** One line of `deliveries.jsonl`. Holds no address: `hash` is its HMAC. */
export interface JournalEntry {
  at: string;
  hash: string;
  status: JournalStatus;
  /** The SMTP reply code, when there was one. */
  code?: number;
  messageId?: string;
  /** Which try this was, from 1. */
  attempt?: number;
  /** Recorded as failed after temporary failures on every try of three runs. */
  gaveUp?: boolean;
}

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
  readonly #last = new Map<string, JournalEntry>();
  #lastSync = Date.now();

  private constructor(
    readonly path: string,
    fd: number,
    { entries, unreadable }: ParsedJournal,
  ) {
    this.#fd = fd;
    this.unreadable = unreadable;
    for (const entry of entries) this.#last.set(entry.hash, entry);
  }

  static async open(filePath: string): Promise<Journal> {
    await mkdir(path.dirname(filePath), { recursive: true });
    // An append follows a link: a committed deliveries.jsonl -> ~/.bashrc is refused.
    const fd = openNoFollowSync(filePath, 'a+');
    const text = readFileSync(fd, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    // A crash can cut the last line short; drop it so the next append starts clean.
    if (end < text.length) ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
    return new Journal(filePath, fd, parseJournal(text.slice(0, end)));
  }

  /** The latest entry per hash, read without opening the journal for writing (for `--dry-run`). */
  static peek(filePath: string): Map<string, JournalEntry> {
    let text = '';
    try {
      text = readFileNoFollowSync(filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new Map(parseJournal(text).entries.map((entry) => [entry.hash, entry]));
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
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    this.#last.set(entry.hash, entry);
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

interface ParsedJournal {
  entries: JournalEntry[];
  unreadable: number;
}

function parseJournal(text: string): ParsedJournal {
  const entries: JournalEntry[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // A line we cannot read tells us nothing; its recipient is tried again,
      // and the caller says how many such lines there were.
      unreadable++;
    }
  }
  return { entries, unreadable };
}
