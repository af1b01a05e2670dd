import type { open } from 'node:fs/promises';
import type { z } from 'zod';
import { openNoFollow } from '../util/openNoFollow.js';

/** A non-blank line of a JSON-lines file: its entry, or why it cannot be used. */
export type JsonLine<T> = { line: number } & ({ entry: T } | { problem: string });

/**
 * The non-blank lines of a JSON-lines archive file, read one at a time and
 * checked against `schema`, never trusted. A missing file has no lines. A
 * line that is not JSON or not an entry comes with a problem instead, so the
 * caller can skip it with a warning naming the line rather than stop.
 */
export async function* readJsonLines<T>(
  filePath: string,
  schema: z.ZodType<T>,
): AsyncGenerator<JsonLine<T>> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await openNoFollow(filePath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    let line = 0;
    for await (const text of handle.readLines({ encoding: 'utf8' })) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        yield {
          line,
          problem: 'Unexpected text that is not JSON, expected one JSON object per line',
        };
        continue;
      }
      const result = schema.safeParse(value);
      yield result.success
        ? { line, entry: result.data }
        : { line, problem: result.error.issues[0]?.message ?? 'Unexpected entry' };
    }
  } finally {
    await handle.close();
  }
}
