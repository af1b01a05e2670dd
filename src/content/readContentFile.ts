import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';

/**
 * The largest content file we parse. A news update is a few kilobytes and a
 * long feature about 50 KB; a file past this is a mistake (a pasted PDF, a
 * log). Markdown parsing runs at roughly 0.25–1 MB a second here, so the
 * limit also keeps the worst case under a second. Larger files are refused
 * before they are read.
 */
export const maxContentBytes = 256 * 1024;

/**
 * Read one content file into a VFile. Problems that stop parsing (too large,
 * not UTF-8) are recorded on the file and `value` is left empty. A UTF-8 byte
 * order mark is dropped silently.
 */
export async function readContentFile(filePath: string): Promise<VFile> {
  const file = new VFile({ path: filePath, value: '' });
  const { size } = await stat(filePath);
  if (size > maxContentBytes) {
    reportProblem(
      file,
      `Unexpected file of ${formatBytes(size)}, expected at most ${formatBytes(maxContentBytes)}; split it or move the data out of the story`,
      undefined,
      'file-too-large',
    );
    return file;
  }
  const bytes = await readFile(filePath);
  if (!isUtf8(bytes)) {
    reportProblem(
      file,
      'Unexpected byte that is not UTF-8, expected a UTF-8 text file; re-save the file as UTF-8 in your editor',
      locateInvalidUtf8(bytes),
      'file-encoding',
    );
    return file;
  }
  const text = bytes.toString('utf8');
  file.value = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return file;
}

/**
 * Line and column of the first byte that is not valid UTF-8. Decoding with
 * replacement and re-encoding changes the bytes exactly where the input was
 * invalid, so the first difference is the culprit.
 */
function locateInvalidUtf8(bytes: Buffer): { line: number; column: number } {
  const roundTrip = Buffer.from(bytes.toString('utf8'), 'utf8');
  let index = 0;
  while (index < bytes.length && bytes[index] === roundTrip[index]) index++;
  const before = bytes.subarray(0, index).toString('utf8');
  const lines = before.split('\n');
  const last = lines[lines.length - 1] ?? '';
  return { line: lines.length, column: [...last].length + 1 };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}
