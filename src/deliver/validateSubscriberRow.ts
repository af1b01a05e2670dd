import { domainToASCII } from 'node:url';
import { addressProblem } from '../util/addressProblem.js';
import { normalizeAddress } from '../util/normalizeAddress.js';
import type { CsvRow } from './readCsvRows.js';

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

/** Where the header row put each column. */
export interface Columns {
  email: number;
  name: number | undefined;
  /** Index and header of every other kept column. */
  fields: Array<[number, string]>;
  count: number;
}

/** A problem with a row, for a vfile warning at the row's line. */
export interface RowProblem {
  reason: string;
  ruleId: 'subscriber-row' | 'subscriber-address' | 'subscriber-duplicate';
}

/**
 * One row of a subscriber list, checked: the number of values against the
 * header, the address (and its international form), and whether an earlier
 * row had the same address (`firstLineOf`, by `normalizeAddress`, which the
 * caller fills with each subscriber it keeps). Pure. A row with no
 * subscriber is skipped; a subscriber can come with a warning (a line break
 * inside a quoted value).
 *
 * No reason quotes an address or a value from the row, only line numbers:
 * the messages end up in CI logs, which may be public.
 */
export function validateSubscriberRow(
  row: Extract<CsvRow, { kind: 'row' }>,
  columns: Columns,
  firstLineOf: { get(address: string): number | undefined },
): { subscriber?: Subscriber; problems: RowProblem[] } {
  const { values, line, endLine } = row;
  const problems: RowProblem[] = [];
  // Rows of empty cells (`,,`) are what spreadsheets leave after deletions.
  if (values.every((value) => value.trim() === '')) return { problems };
  if (endLine > line) {
    problems.push({
      reason: `Unexpected line break inside a quoted value (lines ${line}–${endLine}), expected one subscriber per line; if a closing quote is missing on line ${line}, the lines after it were read as part of the value, so close it there`,
      ruleId: 'subscriber-row',
    });
  }
  // Extra empty cells past the header are spreadsheet padding, not data.
  const extra = values.slice(columns.count);
  if (values.length < columns.count || extra.some((value) => value.trim() !== '')) {
    const count = `${values.length} ${values.length === 1 ? 'value' : 'values'}`;
    const fix =
      values.length < columns.count
        ? 'add the missing values (empty ones are fine, as in `ada@example.org,,`)'
        : 'put quotes around a value that holds a comma (`"Lovelace, Ada"`) or delete the extra values';
    problems.push({
      reason: `Unexpected ${count}, expected ${columns.count} as in the header row; ${fix} (this row is skipped)`,
      ruleId: 'subscriber-row',
    });
    return { problems };
  }
  const written = (values[columns.email] ?? '').trim();
  const problem = addressProblem(written) ?? internationalProblem(written);
  if (problem !== undefined) {
    problems.push({
      reason: `Unexpected ${problem}, expected an address such as \`name@example.org\`; correct it or delete the row (this row is skipped)`,
      ruleId: 'subscriber-address',
    });
    return { problems };
  }
  const email = asciiDomain(written);
  const first = firstLineOf.get(normalizeAddress(email));
  if (first !== undefined) {
    problems.push({
      reason: `Unexpected second row for the address on line ${first}, expected each address once (capitals do not make a different address); delete one of the two rows (this one is skipped)`,
      ruleId: 'subscriber-duplicate',
    });
    return { problems };
  }
  const name = columns.name === undefined ? '' : (values[columns.name] ?? '').trim();
  const fields = Object.fromEntries(
    columns.fields.map(([index, header]) => [header, (values[index] ?? '').trim()]),
  );
  const subscriber = name === '' ? { email, fields, line } : { email, name, fields, line };
  return { subscriber, problems };
}

/**
 * A non-ASCII local part (`josé@example.org`) can only be delivered by a
 * relay that offers SMTPUTF8, which storyline does not ask for, so such an
 * address is skipped; a non-ASCII domain is fine once in punycode.
 */
export function internationalProblem(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (/[^\x20-\x7e]/.test(email.slice(0, at))) {
    return 'non-ASCII character before the `@` (only relays with SMTPUTF8 take such addresses, and storyline does not use it)';
  }
  if (asciiDomain(email) === '') return 'domain that is not a valid international domain name';
  return undefined;
}

/** The address with its domain in punycode (`bücher.example` to `xn--bcher-kva.example`), or `''` when the domain cannot be converted. */
export function asciiDomain(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (!/[^\x20-\x7e]/.test(domain)) return email;
  const ascii = domainToASCII(domain);
  return ascii === '' ? '' : `${email.slice(0, at + 1)}${ascii}`;
}
