import { findNodeAtLocation, type Node as JsonNode, parseTree } from 'jsonc-parser';
import type { Point } from 'unist';
import { VFile } from 'vfile';
import { location } from 'vfile-location';
import type { z } from 'zod';
import { describeSchemaIssue } from '../diagnostics/describeSchemaIssue.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { readFileNoFollow } from '../util/openNoFollow.js';
import { UnsafePathError } from '../util/UnsafePathError.js';

export type RecordFile<T> =
  /** The file holds a valid record. */
  | { value: T; file?: undefined }
  /** The file cannot be used; `file` has the error, at its line. */
  | { value?: undefined; file: VFile };

let reads = 0;

/** How many record files this process has read: tests count re-reading with it. */
export function recordReadCount(): number {
  return reads;
}

/**
 * Read a JSON record storyline wrote into `archive/` (edition.json, a shard
 * status file) through its schema. Returns undefined when the file does not
 * exist or is a symbolic link (never followed). A file that is not JSON or does not match is an error on the file
 * at the place of the first problem, never a crash further on.
 */
export async function readRecordFile<T>(
  filePath: string,
  schema: z.ZodType<T>,
): Promise<RecordFile<T> | undefined> {
  let text: string;
  try {
    text = await readFileNoFollow(filePath);
  } catch (error) {
    // A link is refused unread; reportArchiveLinks reports it.
    if (error instanceof UnsafePathError) return undefined;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  reads++;
  const file = new VFile({ path: filePath, value: text });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    reportProblem(
      file,
      `Unexpected archive file that is not JSON (${(error as Error).message}), expected the record storyline wrote; restore it from git`,
      undefined,
      'archive',
    );
    return { file };
  }
  const result = schema.safeParse(value);
  if (result.success) return { value: result.data };
  const keyPath = result.error.issues[0]?.path ?? [];
  reportProblem(
    file,
    `${describeSchemaIssue(result.error, value)}; storyline writes this file: restore it from git`,
    pointOf(
      text,
      keyPath.filter((k) => typeof k !== 'symbol'),
    ),
    'archive',
  );
  return { file };
}

/** Where the value at `keyPath` (or its nearest existing parent) starts in the JSON text. */
function pointOf(text: string, keyPath: readonly (string | number)[]): Point | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  let node: JsonNode | undefined;
  for (let depth = keyPath.length; depth >= 0 && !node; depth--) {
    node = findNodeAtLocation(tree, [...keyPath.slice(0, depth)]);
  }
  return location(text).toPoint((node ?? tree).offset);
}

/**
 * The record's value, or undefined when the file is missing or damaged; a
 * damaged file goes to `onDamaged` (the ledger collects it as a message, a
 * send stops on it).
 */
export async function readRecord<T>(
  filePath: string,
  schema: z.ZodType<T>,
  onDamaged: (file: VFile) => void,
): Promise<T | undefined> {
  const read = await readRecordFile(filePath, schema);
  if (read?.file) onDamaged(read.file);
  return read?.value;
}
