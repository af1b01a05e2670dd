import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, readSync, rmSync, writeSync } from 'node:fs';

/** Every compacted line starts with its recipient's hash, 22 ASCII characters. */
const hashBytes = 22;
/** Bytes a line takes when it is a hash, a status letter and a newline: nearly all. */
const usualLineBytes = 24;
/** Lines sorted in memory at once (about 40 bytes each, 10 MB at this size). */
const defaultRunLines = 262_144;
/**
 * In the temporary file each line is preceded by its place in the order
 * pushed, in base 36 over this many characters (up to 2.8 × 10¹²).
 */
const orderChars = 8;

/** A line kept, with its place among all the lines pushed (0 for the first). */
export interface KeptLine {
  line: string;
  order: number;
}

export interface LastLinePerHashOptions {
  /** Lines held and sorted in memory at once; more are sorted in runs on disk. */
  runLines?: number | undefined;
}

/**
 * The last line of each hash among compact lines pushed in the order they
 * were written, handed back sorted by hash (as a sort of the strings would
 * give: ASCII). Memory is bounded by `runLines`: the lines are sorted in
 * runs of at most that many, each run (its last line per hash) written to
 * a temporary file beside `besidePath`, then the runs merged, the latest
 * run winning a hash met in several. A journal that fits in one run never
 * touches the disk. `close` removes the temporary file.
 */
export class LastLinePerHash {
  readonly #besidePath: string;
  readonly #runLines: number;
  readonly #run = new RunBuffer();
  /** Where each run written lies in the temporary file, in the order written. */
  readonly #runs: { start: number; end: number }[] = [];
  #temporary: { path: string; fd: number; size: number } | undefined;
  /** Lines pushed before the run in memory. */
  #runBase = 0;
  #finished = false;

  constructor(besidePath: string, options: LastLinePerHashOptions = {}) {
    this.#besidePath = besidePath;
    this.#runLines = Math.max(2, options.runLines ?? defaultRunLines);
  }

  /** The temporary file's path while there is one (for tests). */
  get temporaryPath(): string | undefined {
    return this.#temporary?.path;
  }

  push(line: string): void {
    if (this.#finished) throw new Error('LastLinePerHash: push after the lines were read');
    if (this.#run.count >= this.#runLines) this.#spill();
    this.#run.push(line);
  }

  /**
   * The last line of each hash, sorted by hash. May be read more than once
   * (a caller counts, then writes).
   */
  *sorted(): Generator<KeptLine> {
    if (!this.#finished) {
      this.#finished = true;
      // Once anything is on disk, everything goes there, and the memory of
      // the run is given back before the merge.
      if (this.#runs.length > 0) {
        if (this.#run.count > 0) this.#spill();
        this.#run.release();
      }
    }
    if (this.#runs.length === 0) {
      yield* this.#run.lastPerHash(this.#runBase);
      return;
    }
    yield* this.#merge();
  }

  close(): void {
    const temporary = this.#temporary;
    if (temporary === undefined) return;
    this.#temporary = undefined;
    closeSync(temporary.fd);
    rmSync(temporary.path, { force: true });
  }

  #spill(): void {
    if (this.#temporary === undefined) {
      // A fresh name each time, created exclusively and never through a
      // link; `*.tmp` in an edition's folder is ignored by git, should a
      // crash leave it behind (the journal itself is untouched until the
      // compacted form is renamed over it).
      const path = `${this.#besidePath}.${randomBytes(4).toString('hex')}.runs.tmp`;
      const flags =
        constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
      this.#temporary = { path, fd: openSync(path, flags, 0o600), size: 0 };
    }
    const temporary = this.#temporary;
    const start = temporary.size;
    for (const bytes of this.#run.lastPerHashBytes(this.#runBase)) {
      temporary.size += writeSync(temporary.fd, bytes, 0, bytes.length, temporary.size);
    }
    this.#runs.push({ start, end: temporary.size });
    this.#runBase += this.#run.count;
    this.#run.clear();
  }

  *#merge(): Generator<KeptLine> {
    const fd = this.#temporary?.fd;
    if (fd === undefined) return;
    const readers = this.#runs.map(({ start, end }) => new RunReader(fd, start, end));
    for (;;) {
      // The smallest hash at the head of any run; a later run's line wins.
      let winner: RunReader | undefined;
      let hash = '';
      for (const reader of readers) {
        const line = reader.line;
        if (line === undefined) continue;
        const at = line.slice(orderChars, orderChars + hashBytes);
        if (winner === undefined || at <= hash) {
          winner = reader;
          hash = at;
        }
      }
      if (winner === undefined) return;
      const line = winner.line ?? '';
      for (const reader of readers) {
        if (reader.line?.startsWith(hash, orderChars)) reader.advance();
      }
      yield { line: line.slice(orderChars), order: Number.parseInt(line.slice(0, orderChars), 36) };
    }
  }
}

/**
 * One run's lines in one buffer, with where each starts, handed back in
 * hash order, the last line of each hash only. Each line starts with its
 * hash (22 ASCII characters), so the order is sorted on the first 8 bytes
 * as two numbers, then on the whole hash, then on the order pushed.
 */
class RunBuffer {
  #bytes = Buffer.allocUnsafe(1024 * usualLineBytes);
  #end = 0;
  #starts = new Uint32Array(1025);
  count = 0;

  push(line: string): void {
    const length = Buffer.byteLength(line, 'latin1');
    if (this.#end + length > this.#bytes.length) {
      const bytes = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#end + length));
      this.#bytes.copy(bytes, 0, 0, this.#end);
      this.#bytes = bytes;
    }
    // One more than the lines, for where the last one ends.
    if (this.count + 2 > this.#starts.length) {
      const starts = new Uint32Array(this.#starts.length * 2);
      starts.set(this.#starts);
      this.#starts = starts;
    }
    this.#starts[this.count++] = this.#end;
    this.#end += this.#bytes.write(line, this.#end, 'latin1');
    this.#starts[this.count] = this.#end;
  }

  clear(): void {
    this.count = 0;
    this.#end = 0;
  }

  release(): void {
    this.clear();
    this.#bytes = Buffer.alloc(0);
    this.#starts = new Uint32Array(1);
  }

  *lastPerHash(base: number): Generator<KeptLine> {
    for (const i of this.#lastPerHashOrder()) {
      const line = this.#bytes.toString('latin1', this.#starts[i], this.#starts[i + 1]);
      yield { line, order: base + i };
    }
  }

  /** The same lines as bytes, each after its order, in pieces of about 64 KB (for a file write). */
  *lastPerHashBytes(base: number): Generator<Buffer> {
    const piece = Buffer.allocUnsafe(65_536);
    let used = 0;
    for (const i of this.#lastPerHashOrder()) {
      const start = this.#starts[i] ?? 0;
      const end = this.#starts[i + 1] ?? start;
      if (used + orderChars + (end - start) > piece.length) {
        yield piece.subarray(0, used);
        used = 0;
      }
      used += piece.write((base + i).toString(36).padStart(orderChars, '0'), used, 'latin1');
      used += this.#bytes.copy(piece, used, start, end);
    }
    if (used > 0) yield piece.subarray(0, used);
  }

  *#lastPerHashOrder(): Generator<number> {
    const bytes = this.#bytes;
    const starts = this.#starts;
    const count = this.count;
    const high = new Uint32Array(count);
    const low = new Uint32Array(count);
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const start = starts[i] ?? 0;
      high[i] = bytes.readUInt32BE(start);
      low[i] = bytes.readUInt32BE(start + 4);
      order[i] = i;
    }
    order.sort((a, b) => {
      const byHigh = (high[a] ?? 0) - (high[b] ?? 0);
      if (byHigh !== 0) return byHigh;
      const byLow = (low[a] ?? 0) - (low[b] ?? 0);
      if (byLow !== 0) return byLow;
      const at = starts[a] ?? 0;
      const bt = starts[b] ?? 0;
      return bytes.compare(bytes, bt, bt + hashBytes, at, at + hashBytes) || a - b;
    });
    for (let k = 0; k < count; k++) {
      const i = order[k] ?? 0;
      const next = order[k + 1];
      // Equal hashes are in the order pushed: only the last of them is kept.
      if (next !== undefined) {
        const at = starts[i] ?? 0;
        const nt = starts[next] ?? 0;
        if (bytes.compare(bytes, nt, nt + hashBytes, at, at + hashBytes) === 0) continue;
      }
      yield i;
    }
  }
}

/** The lines of one run in the temporary file, read 64 KB at a time. */
class RunReader {
  readonly #fd: number;
  #position: number;
  readonly #end: number;
  #buffer = Buffer.allocUnsafe(65_536);
  #at = 0;
  #filled = 0;
  line: string | undefined;

  constructor(fd: number, start: number, end: number) {
    this.#fd = fd;
    this.#position = start;
    this.#end = end;
    this.advance();
  }

  advance(): void {
    for (;;) {
      const newline = this.#buffer.indexOf(10, this.#at);
      if (newline !== -1 && newline < this.#filled) {
        this.line = this.#buffer.toString('latin1', this.#at, newline + 1);
        this.#at = newline + 1;
        return;
      }
      if (this.#position >= this.#end) {
        this.line = undefined;
        return;
      }
      // Keep the start of a line cut by the last read, then read on.
      const rest = this.#filled - this.#at;
      this.#buffer.copy(this.#buffer, 0, this.#at, this.#filled);
      const want = Math.min(this.#buffer.length - rest, this.#end - this.#position);
      const read = readSync(this.#fd, this.#buffer, rest, want, this.#position);
      if (read === 0) throw new Error('LastLinePerHash: a run ended before its recorded end');
      this.#position += read;
      this.#at = 0;
      this.#filled = rest + read;
    }
  }
}
