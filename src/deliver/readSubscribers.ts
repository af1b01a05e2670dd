import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { domainToASCII } from 'node:url';
import { type CsvErrorCode, type Options, parse } from 'csv-parse';
import type { VFile } from 'vfile';
import { printable } from '../diagnostics/printable.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { addressProblem } from '../util/addressProblem.js';
import { normalizeAddress } from '../util/normalizeAddress.js';

export interface Subscriber {
  /** As written in the list, trimmed; compare with `normalizeAddress`. */
  email: string;
  /** Absent when the list has no `name` column or the cell is empty. */
  name?: string;
  /** Every other named column, by its header (trimmed), values trimmed. */
  fields: Record<string, string>;
  /** The line the row starts on, for messages. */
  line: number;
}

/**
 * A real row is well under a kilobyte. The cap bounds what a quote that is
 * never closed can swallow (and hold in memory) before it is reported.
 */
export const maxRowLength = 64 * 1024;

/** A row as csv-parse hands it on: its values and where it ends in the pass. */
interface ParsedRow {
  values: string[];
  bytes: number;
  lines: number;
}

type RawRow =
  | { kind: 'row'; values: string[]; line: number; endLine: number }
  | { kind: 'bad'; problem: RowProblem; line: number };

/**
 * Read a subscriber list, one subscriber at a time, reporting every problem
 * on `file` as a warning with its line and skipping that row. The first row
 * is the header: it must have an `email` column (any case); `name` is
 * optional; other columns are kept in `fields`. A header without `email`, or
 * an empty file, is a fatal error at the header and yields nobody.
 *
 * Streamed: memory does not grow with the file, except for the duplicate
 * check, which keeps every lowercased address and its line: about 90 bytes
 * per subscriber (9 MB for 100,000 addresses of 26 characters).
 *
 * No message quotes an address or a value from a row, only line numbers:
 * the messages end up in CI logs, which may be public.
 */
export async function* readSubscribers(
  filePath: string,
  file: VFile,
): AsyncGenerator<Subscriber, void, undefined> {
  let columns: Columns | undefined;
  const firstLineOf = new Map<string, number>();
  for await (const row of readRows(filePath)) {
    if (columns === undefined) {
      if (row.kind === 'bad') {
        const [unexpected, expected, fix] = rowProblem(row.problem);
        reportProblem(
          file,
          `Unexpected ${unexpected} in the header row, expected ${expected}; ${fix}, and make sure the header names an \`email\` column`,
          { line: row.line, column: 1 },
          'subscriber-header',
          'error',
        );
        return;
      }
      columns = readHeader(row.values, row.line, file);
      if (columns === undefined) return;
      continue;
    }
    if (row.kind === 'bad') {
      const [unexpected, expected, fix] = rowProblem(row.problem);
      reportProblem(
        file,
        `Unexpected ${unexpected}, expected ${expected}; ${fix} (this line is skipped, reading goes on with the next)`,
        { line: row.line, column: 1 },
        'subscriber-row',
        'warning',
      );
      continue;
    }
    const subscriber = toSubscriber(row, columns, file);
    if (subscriber === undefined) continue;
    const key = normalizeAddress(subscriber.email);
    const first = firstLineOf.get(key);
    if (first !== undefined) {
      reportProblem(
        file,
        `Unexpected second row for the address on line ${first}, expected each address once (capitals do not make a different address); delete one of the two rows (this one is skipped)`,
        { line: row.line, column: 1 },
        'subscriber-duplicate',
        'warning',
      );
      continue;
    }
    firstLineOf.set(key, row.line);
    yield subscriber;
  }
  if (columns === undefined) {
    reportProblem(
      file,
      'Unexpected empty file, expected a header row such as `email,name` and then one subscriber per line',
      { line: 1, column: 1 },
      'subscriber-header',
      'error',
    );
  }
}

interface Columns {
  email: number;
  name: number | undefined;
  /** Index and header of every other kept column. */
  fields: Array<[number, string]>;
  count: number;
}

function readHeader(values: string[], line: number, file: VFile): Columns | undefined {
  const names = values.map((value) => value.trim());
  const lower = names.map((name) => name.toLowerCase());
  const email = lower.indexOf('email');
  if (email === -1) {
    // A list without a header starts with a subscriber; say so without
    // echoing the address into a possibly public log.
    const named = names.filter(Boolean).map((name) => `\`${printable(name)}\``);
    let unexpected = 'header row with no column names';
    if (names.some((name) => name.includes('@'))) unexpected = 'address in the first row';
    // Column names are not quoted: a file given by mistake (`/etc/shadow`)
    // would have its first line printed into the log.
    else if (named.length > 0)
      unexpected = `header row with ${named.length} column${named.length === 1 ? '' : 's'}, none named \`email\``;
    reportProblem(
      file,
      `Unexpected ${unexpected}, expected a header row with an \`email\` column; make the first line a header such as \`email,name\` that names the column of addresses \`email\``,
      { line, column: 1 },
      'subscriber-header',
      'error',
    );
    return undefined;
  }
  const nameIndex = lower.indexOf('name');
  const seen = new Set<string>();
  const fields: Array<[number, string]> = [];
  names.forEach((name, index) => {
    const key = lower[index] ?? '';
    // A trailing comma in a spreadsheet export makes a nameless column.
    if (name === '') return;
    if (seen.has(key)) {
      reportProblem(
        file,
        `Unexpected second \`${printable(name)}\` column, expected each column name once; rename or delete one of them (the values of this one are ignored)`,
        { line, column: 1 },
        'subscriber-header',
        'warning',
      );
      return;
    }
    seen.add(key);
    if (index !== email && index !== nameIndex) fields.push([index, name]);
  });
  return {
    email,
    name: nameIndex === -1 ? undefined : nameIndex,
    fields,
    count: values.length,
  };
}

function toSubscriber(
  row: Extract<RawRow, { kind: 'row' }>,
  columns: Columns,
  file: VFile,
): Subscriber | undefined {
  const { values, line, endLine } = row;
  const place = { line, column: 1 };
  // Rows of empty cells (`,,`) are what spreadsheets leave after deletions.
  if (values.every((value) => value.trim() === '')) return undefined;
  if (endLine > line) {
    reportProblem(
      file,
      `Unexpected line break inside a quoted value (lines ${line}–${endLine}), expected one subscriber per line; if a closing quote is missing on line ${line}, the lines after it were read as part of the value, so close it there`,
      place,
      'subscriber-row',
      'warning',
    );
  }
  // Extra empty cells past the header are spreadsheet padding, not data.
  const extra = values.slice(columns.count);
  if (values.length < columns.count || extra.some((value) => value.trim() !== '')) {
    const count = `${values.length} ${values.length === 1 ? 'value' : 'values'}`;
    const fix =
      values.length < columns.count
        ? 'add the missing values (empty ones are fine, as in `ada@example.org,,`)'
        : 'put quotes around a value that holds a comma (`"Lovelace, Ada"`) or delete the extra values';
    reportProblem(
      file,
      `Unexpected ${count}, expected ${columns.count} as in the header row; ${fix} (this row is skipped)`,
      place,
      'subscriber-row',
      'warning',
    );
    return undefined;
  }
  const written = (values[columns.email] ?? '').trim();
  const problem = addressProblem(written) ?? internationalProblem(written);
  if (problem !== undefined) {
    reportProblem(
      file,
      `Unexpected ${problem}, expected an address such as \`name@example.org\`; correct it or delete the row (this row is skipped)`,
      place,
      'subscriber-address',
      'warning',
    );
    return undefined;
  }
  const email = asciiDomain(written);
  const name = columns.name === undefined ? '' : (values[columns.name] ?? '').trim();
  const fields = Object.fromEntries(
    columns.fields.map(([index, header]) => [header, (values[index] ?? '').trim()]),
  );
  return name === '' ? { email, fields, line } : { email, name, fields, line };
}

/**
 * A non-ASCII local part (`josé@example.org`) can only be delivered by a
 * relay that offers SMTPUTF8, which storyline does not ask for, so such an
 * address is skipped; a non-ASCII domain is fine once in punycode.
 */
function internationalProblem(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (/[^\x20-\x7e]/.test(email.slice(0, at))) {
    return 'non-ASCII character before the `@` (only relays with SMTPUTF8 take such addresses, and storyline does not use it)';
  }
  if (asciiDomain(email) === '') return 'domain that is not a valid international domain name';
  return undefined;
}

/** The address with its domain in punycode (`bücher.example` to `xn--bcher-kva.example`), or `''` when the domain cannot be converted. */
function asciiDomain(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (!/[^\x20-\x7e]/.test(domain)) return email;
  const ascii = domainToASCII(domain);
  return ascii === '' ? '' : `${email.slice(0, at + 1)}${ascii}`;
}

type RowProblem = 'unclosed-quote' | 'text-after-quote' | 'too-long' | 'other';

function problemOf(code: CsvErrorCode | undefined, spansLines: boolean): RowProblem {
  // A quote error found lines below where the row starts means the quote
  // opened on the first line was never closed there; whatever closed it
  // later belongs to another row.
  if (code === 'CSV_QUOTE_NOT_CLOSED' || spansLines) return 'unclosed-quote';
  if (code === 'CSV_MAX_RECORD_SIZE') return 'too-long';
  if (
    code === 'CSV_INVALID_CLOSING_QUOTE' ||
    code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE'
  ) {
    return 'text-after-quote';
  }
  return 'other';
}

/** The X, the Y and the fix of "Unexpected X, expected Y; fix". */
function rowProblem(problem: RowProblem): [string, string, string] {
  switch (problem) {
    case 'unclosed-quote':
      return [
        'quote that is not closed on its line',
        'a `"` at the end of the quoted value',
        'close the quote, and double any quote inside a value (`""`)',
      ];
    case 'too-long':
      return [
        `row of more than ${maxRowLength} characters`,
        'a short row',
        'shorten it; usually a quote is never closed, so close it',
      ];
    case 'text-after-quote':
      return [
        'text after a closing quote',
        'a comma or the end of the row',
        'put the quotes around the whole value and double any quote inside it (`"Ada ""the Countess"" Lovelace"`)',
      ];
    default:
      return ['malformed row', 'comma-separated values', 'correct or delete the row'];
  }
}

/**
 * The rows of a CSV file with the line each starts on, and the lines
 * csv-parse could not read. csv-parse cannot resume after a malformed row by
 * itself (after a quote error it either stops or reads on in the wrong
 * state, silently losing rows), so on the first error in a pass this stops
 * reading, reports the line the bad row starts on, and starts a new pass
 * from the line after it: one bad line costs that line only. Every pass
 * streams from a byte offset, so memory stays flat.
 */
async function* readRows(filePath: string): AsyncGenerator<RawRow, void, undefined> {
  let offset = 0;
  let linesBefore = 0;
  for (;;) {
    // Where the parser's last emitted row ended (bytes into this pass, line),
    // and where the bad row was when it hit one.
    let parsedBytes = 0;
    let parsedLines = 0;
    let bad:
      | { bytes: number; lines: number; code: CsvErrorCode | undefined; errorLines: number }
      | undefined;
    const source = createReadStream(filePath, { start: offset });
    const options: Options<ParsedRow, string[]> = {
      bom: offset === 0,
      relax_column_count: true,
      // A quote inside a value (`Ada "the Countess" Lovelace`) is kept as text.
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: maxRowLength,
      skip_records_with_error: true,
      // Where each row ends, taken here rather than with `info: true`, which
      // copies the parser's whole state per row and reads 100,000 rows 3×
      // slower.
      on_record: (values, context): ParsedRow => {
        parsedBytes = context.bytes;
        parsedLines = context.lines;
        return { values, bytes: context.bytes, lines: context.lines };
      },
      on_skip: (error) => {
        if (bad !== undefined) return;
        bad = {
          bytes: parsedBytes,
          lines: parsedLines,
          code: error?.code,
          errorLines: typeof error?.lines === 'number' ? error.lines : 0,
        };
        // Ending the parser instead of destroying it keeps the rows it has
        // already emitted, which this pass still has to hand on.
        source.unpipe(parser);
        source.destroy();
        if (!parser.writableEnded) parser.end();
      },
    };
    // parse()'s overloads type on_record as returning the row unchanged.
    const parser = parse(options as unknown as Options);
    source.on('error', (error) => parser.destroy(error));
    source.pipe(parser);
    try {
      // The stream yields what on_record returns.
      for await (const { values, bytes, lines } of parser as AsyncIterable<ParsedRow>) {
        // Rows emitted after the error come from the parser's confused state.
        if (bad !== undefined && bytes > bad.bytes) break;
        const endLine = linesBefore + lines;
        let breaks = 0;
        for (const value of values) {
          for (let at = value.indexOf('\n'); at !== -1; at = value.indexOf('\n', at + 1)) breaks++;
        }
        yield { kind: 'row', values, line: endLine - breaks, endLine };
      }
    } finally {
      source.destroy();
      parser.destroy();
    }
    if (bad === undefined) return;
    // The bad row starts after the last good one and any blank lines.
    const start = offset + bad.bytes;
    const startLine = linesBefore + (bad.bytes === 0 ? 1 : bad.lines + 1);
    const next = await nextLineAfterBlanks(filePath, start);
    const line = startLine + next.blankLines;
    const problem = problemOf(bad.code, linesBefore + bad.errorLines > line);
    yield { kind: 'bad', problem, line };
    if (next.offset === undefined) return;
    offset = next.offset;
    linesBefore = line;
  }
}

/**
 * From `start`, skip blank lines to the first line with text, and return how
 * many blank lines there were and the byte offset of the line after the one
 * with text (undefined at the end of the file).
 */
async function nextLineAfterBlanks(
  filePath: string,
  start: number,
): Promise<{ blankLines: number; offset: number | undefined }> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(16 * 1024);
    let position = start;
    let blankLines = 0;
    let inText = false;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return { blankLines, offset: undefined };
      for (let i = 0; i < bytesRead; i++) {
        const byte = buffer[i];
        if (byte === 0x0a) {
          if (inText) return { blankLines, offset: position + i + 1 };
          blankLines++;
        } else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
          inText = true;
        }
      }
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
