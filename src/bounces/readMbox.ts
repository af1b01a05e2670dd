import { createReadStream } from 'node:fs';

/** One message of an mbox, or the fact that one was too large to keep. */
export type MboxMessage = { raw: Buffer; receivedAt: Date | undefined } | { tooLarge: true };

/**
 * The messages of an mbox file, streamed: a line `From ` at the start of
 * the file or after an empty line begins a message (the From_ line is not
 * part of it), and `>From `, `>>From `… lose one `>` (mboxrd, which also
 * reads mboxo correctly for every line that was quoted). At most
 * `maxMessageBytes` of a message are held; a larger one is skipped whole
 * and reported as too large, so memory stays bounded by one message.
 */
export async function* readMbox(
  file: string,
  maxMessageBytes: number,
): AsyncGenerator<MboxMessage> {
  let chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let started = false;
  let receivedAt: Date | undefined;
  let previousBlank = true;
  // The bytes of a line not yet ended, bounded like a message.
  let partial: Buffer[] = [];
  let partialSize = 0;
  let partialTooLong = false;

  function* finish(): Generator<MboxMessage> {
    if (started) {
      if (tooLarge) yield { tooLarge: true };
      else {
        let raw = Buffer.concat(chunks, size);
        // The empty line before the next From_ line belongs to the separator.
        if (raw.at(-1) === 10 && raw.at(-2) === 10) raw = raw.subarray(0, -1);
        else if (raw.at(-1) === 10 && raw.at(-2) === 13 && raw.at(-3) === 10)
          raw = raw.subarray(0, -2);
        yield { raw, receivedAt };
      }
    }
    chunks = [];
    size = 0;
    tooLarge = false;
  }

  function* line(bytes: Buffer, overlong: boolean): Generator<MboxMessage> {
    if (!overlong && bytes.subarray(0, 5).toString('latin1') === 'From ' && previousBlank) {
      yield* finish();
      started = true;
      receivedAt = fromLineDate(bytes.toString('latin1'));
      previousBlank = false;
      return;
    }
    previousBlank = bytes.length === 1 || (bytes.length === 2 && bytes[0] === 13);
    if (!started) return;
    if (overlong) tooLarge = true;
    if (tooLarge) return;
    let kept = bytes;
    if (kept[0] === 62 /* > */ && /^>+From /.test(kept.subarray(0, 80).toString('latin1')))
      kept = kept.subarray(1);
    size += kept.length;
    if (size > maxMessageBytes) {
      tooLarge = true;
      chunks = [];
      return;
    }
    chunks.push(kept);
  }

  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl + 1);
      start = nl + 1;
      if (partial.length === 0 && !partialTooLong) yield* line(piece, false);
      else {
        const whole = partialTooLong ? piece : Buffer.concat([...partial, piece]);
        yield* line(whole, partialTooLong);
        partial = [];
        partialSize = 0;
        partialTooLong = false;
      }
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0 && !partialTooLong) {
      partialSize += rest.length;
      if (partialSize > maxMessageBytes) {
        partial = [];
        partialTooLong = true;
      } else partial.push(Buffer.from(rest));
    }
  }
  if (partial.length > 0 || partialTooLong) yield* line(Buffer.concat(partial), partialTooLong);
  yield* finish();
}

/** `From MAILER-DAEMON  Mon Nov 30 23:23:07 2026` → that date (asctime, local time as written). */
function fromLineDate(line: string): Date | undefined {
  const match = /^From \S+\s+(.+?)\s*$/.exec(line);
  if (!match?.[1]) return undefined;
  const ms = Date.parse(match[1]);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
