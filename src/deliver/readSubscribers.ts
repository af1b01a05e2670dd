import { hash } from 'node:crypto';
import type { VFile } from 'vfile';
import { printable } from '../diagnostics/printable.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { HashPrefixMap } from '../ledger/HashPrefixMap.js';
import { countLineBreaks } from '../util/countLineBreaks.js';
import { normalizeAddress } from '../util/normalizeAddress.js';
import { type CsvRowProblem, readCsvRows } from './readCsvRows.js';
import { type Columns, type Subscriber, validateSubscriberRow } from './validateSubscriberRow.js';

export type { Subscriber } from './validateSubscriberRow.js';

/**
 * A real row is well under a kilobyte. The cap bounds what a quote that is
 * never closed can swallow (and hold in memory) before it is reported.
 */
export const maxRowLength = 64 * 1024;

/**
 * Read a subscriber list, one subscriber at a time, reporting every problem
 * on `file` as a warning with its line and skipping that row. The first row
 * is the header: it must have an `email` column (any case); `name` is
 * optional; other columns are kept in `fields`. A header without `email`, or
 * an empty file, is a fatal error at the header and yields nobody. Rows
 * come from `readCsvRows` (which resynchronises after a malformed row) and
 * are checked one by one by `validateSubscriberRow`.
 *
 * Streamed: memory does not grow with the file, except for the duplicate
 * check, which keeps 96 bits of each address's SHA-256 and its line in a
 * compact table (`HashPrefixMap`): about 23 bytes per subscriber, 23 MB at
 * a million whatever the addresses' length. Two different addresses are
 * taken for one (and the second skipped as a duplicate, with a warning that
 * names the line of the first) only if their digests share those 96 bits:
 * for a million addresses, a chance of about 6 × 10^-18.
 *
 * No message quotes an address or a value from a row, only line numbers:
 * the messages end up in CI logs, which may be public.
 */
export async function* readSubscribers(
  filePath: string,
  file: VFile,
  options: ReadSubscribersOptions = {},
): AsyncGenerator<Subscriber, void, undefined> {
  let columns: Columns | undefined;
  const { knownDuplicates } = options;
  // Sized for the list from the start: growing it on the way would hold the
  // table twice over at a million rows (53 MB instead of 23). A pass that
  // knows the duplicates' lines needs no table at all.
  const firstLineOf = knownDuplicates
    ? undefined
    : new HashPrefixMap({
        values: true,
        digest: addressDigest,
        expectedSize: await countLineBreaks(filePath),
      });
  for await (const row of readCsvRows(filePath, maxRowLength)) {
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
    if (knownDuplicates?.has(row.line)) continue;
    const { subscriber, problems } = validateSubscriberRow(row, columns, firstLineOf ?? noTable);
    for (const { reason, ruleId } of problems) {
      reportProblem(file, reason, { line: row.line, column: 1 }, ruleId, 'warning');
    }
    if (subscriber === undefined) continue;
    firstLineOf?.set(normalizeAddress(subscriber.email), row.line);
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

export interface ReadSubscribersOptions {
  /**
   * The lines of rows that repeat an earlier row's address, as an earlier
   * read of the same file reported them (`subscriber-duplicate`): skipped by
   * line, so this read holds no duplicate table (23 MB at a million rows).
   */
  knownDuplicates?: ReadonlySet<number> | undefined;
}

/** The duplicate check of a read that already knows the duplicates: nothing is one. */
const noTable = { get: (): undefined => undefined };

/** Unkeyed but cryptographic, so nobody can sign up an address made to pass for another's. */
function addressDigest(normalized: string): Uint8Array {
  return hash('sha256', normalized, 'buffer');
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

/** The X, the Y and the fix of "Unexpected X, expected Y; fix". */
function rowProblem(problem: CsvRowProblem): [string, string, string] {
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
