import { z } from 'zod';
import { describeSchemaIssue } from '../diagnostics/describeSchemaIssue.js';
import type { FileLine } from '../util/readLinesSync.js';
import { type JournalStatus, journalEntrySchema } from './journalEntrySchema.js';

/** What a reader needs of one journal line, in either form. */
export interface JournalRecord {
  hash: string;
  status: JournalStatus;
  /** Absent on compacted lines: their times are in the header's range. */
  at?: string | undefined;
  code?: number | undefined;
  attempt?: number | undefined;
  gaveUp?: boolean | undefined;
}

/**
 * The first line of a compacted journal. The per-recipient lines after it
 * carry no key, time or message id: the key is here, the message id is
 * derived (`<edition>.<hash16>@domain`), and a settled recipient needs no time.
 */
export const compactedHeaderSchema = z.object({
  journal: z.literal('compacted'),
  version: z.literal(1),
  key: z.string().optional(),
  edition: z.string(),
  /** Recipients by their last status. */
  counts: z.record(z.string(), z.number().int().nonnegative()),
  /** The earliest and latest time among the lines compacted. */
  from: z.string().optional(),
  to: z.string().optional(),
});

export type CompactedHeader = z.infer<typeof compactedHeaderSchema>;

/**
 * The first line of a journal begun by this version, written (and synced)
 * before its first entry. Every line after it is in the compacted grammar,
 * in the order written: the key is here, the message id is derived, and the
 * times are the edition's (`from`, when the journal began); a settled line
 * needs no attempt. About 51 bytes a recipient sent (a `sending` line and its outcome).
 */
export const openHeaderSchema = z.object({
  journal: z.literal('open'),
  version: z.literal(1),
  key: z.string(),
  edition: z.string(),
  /** When the journal was begun. */
  from: z.string(),
});

export type OpenHeader = z.infer<typeof openHeaderSchema>;

/** The header a journal's first line may be: one written open, or one compacted. */
export const journalHeaderSchema = z.discriminatedUnion('journal', [
  openHeaderSchema,
  compactedHeaderSchema,
]);

export type JournalHeader = z.infer<typeof journalHeaderSchema>;

const letters: Record<JournalStatus, string> = {
  sending: 'i',
  sent: 's',
  failed: 'f',
  suppressed: 'u',
  retrying: 'r',
  deferred: 'd',
};
const statusOfLetter = new Map(
  Object.entries(letters).map(([status, letter]) => [letter, status as JournalStatus]),
);

/** The status of a compact line as `compactLine` writes it (its letter follows the hash). */
export function statusOfCompactLine(line: string): JournalStatus {
  const status = statusOfLetter.get(line.charAt(22));
  if (status === undefined) throw new Error(`not a compact journal line: ${line.trimEnd()}`);
  return status;
}

/** `<22-character hash><status letter>`, then ` <code>`, ` a<attempt>`, ` gave-up` when there are any. */
const compactPattern = /^([A-Za-z0-9_-]{22})([isfurd])((?: [0-9]{3}| a[0-9]{1,9}| gave-up)*)$/;

/** A settled recipient needs no attempt; one still to be tried keeps it for the next run's count. */
const settled: ReadonlySet<JournalStatus> = new Set(['sent', 'failed', 'suppressed']);

/**
 * One recipient's line of a compacted journal, or of one in the open form,
 * with its newline: 24 bytes for most (27 for `sending` with its attempt).
 */
export function compactLine(record: JournalRecord): string {
  let line = `${record.hash}${letters[record.status]}`;
  if (record.code !== undefined && record.status !== 'sent' && /^[0-9]{3}$/.test(`${record.code}`))
    line += ` ${record.code}`;
  // A recipient given up on keeps how many tries that took (rare, and asked about).
  if (record.attempt !== undefined && (!settled.has(record.status) || record.gaveUp))
    line += ` a${record.attempt}`;
  if (record.gaveUp) line += ' gave-up';
  return `${line}\n`;
}

/** Where a journal reader is: the header read, if any (its key, its form). */
export interface JournalReadState {
  header?: JournalHeader | undefined;
}

/**
 * One journal line as a record; or why it cannot be read (`other-key` for
 * another secret's); undefined for a blank line or a header. The form is
 * told by the line: JSON (an entry or a header) starts with `{`, a compact
 * recipient line with its hash, and is read only below a header (open or
 * compacted). Journals begun by earlier versions are JSON lines throughout,
 * and runs appended after compaction by those versions add JSON lines after
 * the compacted ones.
 */
export function parseJournalLine(
  read: FileLine,
  key: string,
  state: JournalReadState,
): JournalRecord | string | undefined {
  if (read.tooLong) {
    return 'Unexpected line of more than 65536 bytes, expected one short JSON object per line';
  }
  if (!read.text.trim()) return undefined;
  if (!read.text.startsWith('{')) {
    // A torn compact line can still match the grammar (`…r 451 a1` cut from
    // `…r 451 a12`, or a hash and letter without their ` gave-up`): only a
    // line with its newline is taken as written.
    if (!read.complete) {
      return 'Unexpected end of a compact line cut short (no newline after it), expected a complete line';
    }
    return compactedRecord(read.text, state);
  }
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch {
    // A line we cannot read tells us nothing; its recipient is tried again,
    // and the caller says how many such lines there were.
    return 'Unexpected text that is not JSON, expected one JSON object per line';
  }
  if (read.line === 1 && typeof value === 'object' && value !== null && 'journal' in value) {
    const header = journalHeaderSchema.safeParse(value);
    if (!header.success) return describeSchemaIssue(header.error, value);
    state.header = header.data;
    return header.data.key !== undefined && header.data.key !== key ? 'other-key' : undefined;
  }
  const result = journalEntrySchema.safeParse(value);
  if (!result.success) return describeSchemaIssue(result.error, value);
  // Lines written before the key was recorded carry none, and are taken to match.
  if (result.data.key !== undefined && result.data.key !== key) return 'other-key';
  return result.data;
}

function compactedRecord(text: string, state: JournalReadState): JournalRecord | string {
  if (state.header === undefined) {
    return 'Unexpected compact line in a journal without a header line, expected one JSON object per line';
  }
  const match = compactPattern.exec(text);
  const status = match && statusOfLetter.get(match[2] ?? '');
  if (!match || !status) {
    return 'Unexpected text, expected a compacted line: the 22-character address hash and a status letter (s, f, u, d, r, i)';
  }
  const record: JournalRecord = { hash: match[1] ?? '', status };
  for (const token of (match[3] ?? '').split(' ')) {
    if (token === 'gave-up') record.gaveUp = true;
    else if (token.startsWith('a')) record.attempt = Number(token.slice(1));
    else if (token) record.code = Number(token);
  }
  return record;
}
