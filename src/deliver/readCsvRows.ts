import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { type CsvErrorCode, type Options, parse } from 'csv-parse';

/** A row as csv-parse hands it on: its values and where it ends in the pass. */
interface ParsedRow {
  values: string[];
  bytes: number;
  lines: number;
}

/** A row of values with the lines it spans, or a row csv-parse could not read. */
export type CsvRow =
  | { kind: 'row'; values: string[]; line: number; endLine: number }
  | { kind: 'bad'; problem: CsvRowProblem; line: number };

/** Why csv-parse could not read a row. */
export type CsvRowProblem = 'unclosed-quote' | 'text-after-quote' | 'too-long' | 'other';

function problemOf(code: CsvErrorCode | undefined, spansLines: boolean): CsvRowProblem {
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

/**
 * The rows of a CSV file with the line each starts on, and the lines
 * csv-parse could not read. csv-parse cannot resume after a malformed row by
 * itself (after a quote error it either stops or reads on in the wrong
 * state, silently losing rows), so on the first error in a pass this stops
 * reading, reports the line the bad row starts on, and starts a new pass
 * from the line after it: one bad line costs that line only. Every pass
 * streams from a byte offset, so memory stays flat.
 */
export async function* readCsvRows(
  filePath: string,
  maxRowLength: number,
): AsyncGenerator<CsvRow, void, undefined> {
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
