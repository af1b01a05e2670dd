import path from 'node:path';
import { appendJsonLines } from './appendJsonLines.js';
import { archiveDir } from './archivePaths.js';
import { type BounceLogEntry, bounceLogSchema } from './bounceLogSchema.js';
import { readJsonLines } from './readJsonLines.js';

const relativePath = 'archive/bounces.jsonl';

export function bounceLogPath(root: string): string {
  return path.join(archiveDir(root), 'bounces.jsonl');
}

export interface ReadBounceLog {
  /** Entries made under the current key, in file order. */
  entries: BounceLogEntry[];
  /** One line per problem, `archive/bounces.jsonl:LINE: …`; the caller prints them. */
  warnings: string[];
}

/**
 * The bounce log of a project without a store. A missing file is an empty
 * log; a damaged line is skipped with a warning naming it, as for the
 * suppression list; entries under another `STORYLINE_SECRET` cannot be
 * matched to anyone and are left out, counted in one warning.
 */
export async function readBounceLog(
  root: string,
  /** `secretId` of the current key; undefined reads every entry (for counting only). */
  key: string | undefined,
): Promise<ReadBounceLog> {
  const entries: BounceLogEntry[] = [];
  const warnings: string[] = [];
  let otherKey = 0;
  for await (const read of readJsonLines(bounceLogPath(root), bounceLogSchema)) {
    if ('problem' in read) {
      warnings.push(`${relativePath}:${read.line}: ${read.problem}; this line is skipped`);
    } else if (key !== undefined && read.entry.key !== key) otherKey++;
    else entries.push(read.entry);
  }
  if (otherKey > 0) {
    warnings.push(
      `${relativePath}: Unexpected ${otherKey} ${otherKey === 1 ? 'entry' : 'entries'} made with another STORYLINE_SECRET, expected the current one; they are left out`,
    );
  }
  return { entries, warnings };
}

/**
 * Appends entries and flushes them to the disk before returning, so a
 * bounce applied is never forgotten (and so never counted twice). A line
 * torn by a crash is closed with a newline first, staying one bad line.
 */
export async function appendBounceLog(
  root: string,
  entries: readonly BounceLogEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  // Only the schema's fields, so nothing else on an entry (an address) reaches the archive.
  const lines = entries.map(({ event, source, kind, edition, hash, status, at, key }) =>
    JSON.stringify({ event, source, kind, edition, hash, status, at, key }),
  );
  await appendJsonLines(root, bounceLogPath(root), lines);
}
