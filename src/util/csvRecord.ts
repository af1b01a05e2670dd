/**
 * One CSV record (RFC 4180) with its CRLF: a value holding a comma, quote,
 * line break, or leading or trailing space is quoted, quotes doubled, so
 * csv-parse (and `storyline subscribers import`) reads back the same values.
 */
export function csvRecord(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
