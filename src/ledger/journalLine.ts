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

/** `<22-character hash><status letter>`, then ` <code>`, ` a<attempt>`, ` gave-up` when there are any. */
const compactPattern = /^([A-Za-z0-9_-]{22})([isfurd])((?: [0-9]{3}| a[0-9]{1,9}| gave-up)*)$/;

/** A settled recipient needs no attempt; one still to be tried keeps it for the next run's count. */
const settled: ReadonlySet<JournalStatus> = new Set(['sent', 'failed', 'suppressed']);

/** One recipient's line of a compacted journal, with its newline: 24 bytes for most. */
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

/** Where a journal reader is: the key of the compacted header read, if any. */
export interface JournalReadState {
  header?: CompactedHeader | undefined;
}

/**
 * One journal line as a record; or why it cannot be read (`other-key` for
 * another secret's); undefined for a blank line or a compacted header. The
 * form is told by the line: JSON (an entry or the header) starts with `{`,
 * a compacted recipient line with its hash; runs appended after compaction
 * add JSON lines after the compacted ones.
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
  if (!read.text.startsWith('{')) return compactedRecord(read.text, state);
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch {
    // A line we cannot read tells us nothing; its recipient is tried again,
    // and the caller says how many such lines there were.
    return 'Unexpected text that is not JSON, expected one JSON object per line';
  }
  if (read.line === 1 && typeof value === 'object' && value !== null && 'journal' in value) {
    const header = compactedHeaderSchema.safeParse(value);
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
    return 'Unexpected compacted line in a journal without a compacted header, expected one JSON object per line';
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
