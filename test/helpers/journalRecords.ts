import { readFile } from 'node:fs/promises';
import { type JournalRecord, parseJournalLine } from '../../src/ledger/journalLine.js';

/**
 * Every readable record of a journal file in file order, in either form
 * (JSON lines, or compacted after a completed edition), through the reader
 * `send` uses. Lines of another key than `key` are left out.
 */
export async function journalRecords(file: string, key: string): Promise<JournalRecord[]> {
  const text = await readFile(file, 'utf8');
  const records: JournalRecord[] = [];
  const state = {};
  let end = 0;
  text.split('\n').forEach((line, index, lines) => {
    end += Buffer.byteLength(line) + 1;
    const complete = index < lines.length - 1;
    const parsed = parseJournalLine(
      { line: index + 1, text: line, end, complete, tooLong: false },
      key,
      state,
    );
    if (typeof parsed === 'object') records.push(parsed);
  });
  return records;
}
