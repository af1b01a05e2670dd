import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { z } from 'zod';
import { archiveDir } from './archivePaths.js';
import { addCounts, type EditionRecord, type ShardStatus } from './EditionRecord.js';
import { editionRecordSchema } from './editionRecordSchema.js';
import { readRecordFile } from './readRecordFile.js';
import { shardStatusSchema } from './shardStatusSchema.js';

export interface Ledger {
  /** Every edition in the archive, oldest first. */
  editions: EditionRecord[];
  /** Ids of updates in an edition that finished delivering: never mailed again. */
  sent: Set<string>;
  /** An edition that started and did not finish: it is resumed before anything new. */
  inProgress: EditionRecord | undefined;
}

export interface LedgerResult {
  ledger: Ledger;
  /** Archive files that could not be read, with their messages. */
  files: VFile[];
}

/**
 * Read the archive's record of what was sent. A missing or empty archive
 * means nothing was. An update counts as sent once an edition holding it has
 * finished delivering; an edition that stopped part-way is "in progress", so
 * the next send resumes it rather than skipping or re-mailing its updates.
 */
export async function readLedger(root: string): Promise<LedgerResult> {
  const files: VFile[] = [];
  let names: string[];
  try {
    // A linked archive is never read (reportArchiveLinks reports it): as if there were none.
    const entries = (await lstat(archiveDir(root))).isSymbolicLink()
      ? []
      : await readdir(archiveDir(root), { withFileTypes: true });
    names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { ledger: { editions: [], sent: new Set(), inProgress: undefined }, files };
    }
    throw error;
  }
  const editions: EditionRecord[] = [];
  for (const name of names.sort()) {
    const dir = path.join(archiveDir(root), name);
    const record =
      (await readJson(path.join(dir, 'edition.json'), editionRecordSchema, files)) ??
      (await fromShards(dir, files));
    if (record) editions.push(record);
  }
  editions.sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id.localeCompare(b.id),
  );
  const sent = new Set(editions.filter((e) => e.complete).flatMap((e) => e.updates));
  const inProgress = editions.find((e) => !e.complete);
  return { ledger: { editions, sent, inProgress }, files };
}

/** An edition being sent in shards has no edition.json until all are done: read the shards'. */
async function fromShards(dir: string, files: VFile[]): Promise<EditionRecord | undefined> {
  const names = (await readdir(dir)).filter((n) => /^status\.\d+-of-\d+\.json$/.test(n)).sort();
  const statuses: ShardStatus[] = [];
  for (const name of names) {
    const status = await readJson(path.join(dir, name), shardStatusSchema, files);
    if (status) statuses.push(status);
  }
  const [first] = statuses;
  if (!first) return undefined;
  const {
    shard: _shard,
    of,
    startedAt,
    finishedAt: _finishedAt,
    counts: _counts,
    complete: _complete,
    ...description
  } = first;
  const complete = statuses.length === of && statuses.every((s) => s.complete);
  return {
    ...description,
    shards: of,
    startedAt: statuses.map((s) => s.startedAt).sort()[0] ?? startedAt,
    finishedAt: complete
      ? (statuses
          .map((s) => s.finishedAt ?? '')
          .sort()
          .at(-1) ?? null)
      : null,
    counts: addCounts(statuses.map((s) => s.counts)),
    complete,
  };
}

/** A record through its schema; a damaged one is an error in `files` and left out. */
async function readJson<T>(
  filePath: string,
  schema: z.ZodType<T>,
  files: VFile[],
): Promise<T | undefined> {
  const read = await readRecordFile(filePath, schema);
  if (read?.file) files.push(read.file);
  return read?.value;
}
