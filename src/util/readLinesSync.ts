import { readSync } from 'node:fs';

/** One line of a file, without its newline. */
export interface FileLine {
  /** 1-based. */
  line: number;
  /** The line as UTF-8; empty when `tooLong`. */
  text: string;
  /** The byte offset just past this line (and its newline). */
  end: number;
  /** False for a last line with no newline after it (cut short by a crash, say). */
  complete: boolean;
  /** Longer than `maxLineBytes`: not decoded, so a damaged file cannot make one huge string. */
  tooLong: boolean;
}

export interface ReadLinesOptions {
  /** Bytes read at a time (default 1 MiB). */
  chunkBytes?: number | undefined;
  /** Longest line decoded (default 64 KiB). */
  maxLineBytes?: number | undefined;
}

/**
 * The lines of an open file, read a chunk at a time from offset 0: memory
 * holds one chunk and one line, never the whole file, so a file of any size
 * can be read (a single string is limited to 512 MiB in V8). Synchronous,
 * for callers that must read before anything else happens.
 */
export function* readLinesSync(fd: number, options: ReadLinesOptions = {}): Generator<FileLine> {
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const maxLineBytes = options.maxLineBytes ?? 1 << 16;
  const chunk = Buffer.allocUnsafe(chunkBytes);
  /** The start of the current line, when it began in an earlier chunk. */
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let position = 0;
  let line = 0;
  const take = (part: Buffer): void => {
    if (tooLong) return;
    if (pendingBytes + part.length > maxLineBytes) {
      tooLong = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    // Copied: the chunk is overwritten by the next read.
    pending.push(Buffer.from(part));
    pendingBytes += part.length;
  };
  const finish = (end: number, complete: boolean, last?: Buffer): FileLine => {
    line++;
    let text = '';
    // The common case, a line inside one chunk, is decoded without a copy.
    if (last !== undefined && pendingBytes === 0 && !tooLong && last.length <= maxLineBytes) {
      text = last.toString('utf8');
    } else {
      if (last !== undefined) take(last);
      if (!tooLong) text = Buffer.concat(pending, pendingBytes).toString('utf8');
    }
    const result = { line, text, end, complete, tooLong };
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    return result;
  };
  for (;;) {
    const read = readSync(fd, chunk, 0, chunkBytes, position);
    if (read === 0) break;
    const bytes = chunk.subarray(0, read);
    let start = 0;
    for (;;) {
      const newline = bytes.indexOf(0x0a, start);
      if (newline === -1) {
        take(bytes.subarray(start));
        break;
      }
      yield finish(position + newline + 1, true, bytes.subarray(start, newline));
      start = newline + 1;
    }
    position += read;
  }
  if (pendingBytes > 0 || tooLong) yield finish(position, false);
}
