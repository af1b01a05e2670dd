import { lstatSync, type Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import type { VFile } from 'vfile';
import { archiveDir, recordPathIn } from './archivePaths.js';
import { currentRecordForm } from './currentRecordForm.js';
import type { EditionRecord, ShardStatus } from './EditionRecord.js';
import { editionRecordSchema } from './editionRecordSchema.js';
import type { LedgerCache } from './LedgerCache.js';
import { listShardStatuses } from './listShardStatuses.js';
import { mergeShardStatuses } from './mergeShardStatuses.js';
import { readRecord } from './readRecordFile.js';
import { shardStatusSchema } from './shardStatusSchema.js';

export interface Ledger {
  /** Every edition in the archive, oldest first. */
  editions: EditionRecord[];
  /** Ids of updates in an edition that finished delivering: never mailed again. */
  sent: Set<string>;
  /** An edition that started and did not finish: it is resumed before anything new. */
  inProgress: EditionRecord | undefined;
  /**
   * Complete editions whose edition.json is in an older version's form (with
   * `earlierUpdates`), as they read today: `publish` rewrites them
   * (`writeArchive`); nothing else writes them.
   */
  oldForm: EditionRecord[];
}

export interface ReadLedgerOptions {
  /** Records kept between loads: only records that changed are read and validated again. */
  cache?: LedgerCache | undefined;
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
export async function readLedger(
  root: string,
  options: ReadLedgerOptions = {},
): Promise<LedgerResult> {
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
      options.cache?.records.sweep();
      return {
        ledger: { editions: [], sent: new Set(), inProgress: undefined, oldForm: [] },
        files,
      };
    }
    throw error;
  }
  const editions: EditionRecord[] = [];
  const oldForm: EditionRecord[] = [];
  const collect = (file: VFile) => files.push(file);
  const { cache } = options;
  const archive = archiveDir(root);
  for (const id of names.sort()) {
    const recordPath = recordPathIn(archive, id);
    // Looked up without awaiting: a save finds thousands of records unchanged.
    const stats = cache && recordStats(recordPath);
    const kept = stats && cache.records.lookup(recordPath, stats);
    let record = kept?.record;
    let old = kept?.oldForm ?? false;
    if (!kept) {
      // A damaged record reads as undefined (its file collected): it is never kept.
      const read = await readRecord(recordPath, editionRecordSchema, collect);
      if (read) {
        record = currentRecordForm(read);
        old = read.earlierUpdates !== undefined;
        if (stats) cache.records.store(recordPath, stats, { record, oldForm: old });
      } else record = await fromShards(root, id, collect);
    }
    if (!record) continue;
    editions.push(record);
    if (old && record.complete) oldForm.push(record);
  }
  cache?.records.sweep();
  // Every record as it was last time: the ledger built from them then is the same.
  const last = cache?.lastLedger;
  if (last && sameItems(last.records, editions)) return { ledger: last.ledger, files };
  const records = cache ? [...editions] : [];
  editions.sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id.localeCompare(b.id),
  );
  const sent = new Set(editions.filter((e) => e.complete).flatMap((e) => e.updates));
  const inProgress = editions.find((e) => !e.complete);
  const ledger = { editions, sent, inProgress, oldForm };
  if (cache) cache.lastLedger = { records, ledger };
  return { ledger, files };
}

/** Whether two lists hold the very same objects in the same order. */
function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/**
 * The stats to keep a record under, or undefined when it is not a plain
 * file (missing, or a link, refused unread): such a file is read the
 * uncached way every time, so it reads and reports as without a cache.
 */
function recordStats(filePath: string): Stats | undefined {
  try {
    // Synchronous on purpose, as for content files: thousands of promise
    // stats a save cost several times what the calls themselves do.
    const stats = lstatSync(filePath, { throwIfNoEntry: false });
    return stats?.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

/** An edition being sent in shards has no edition.json until all are done: read the shards'. */
async function fromShards(
  root: string,
  id: string,
  collect: (file: VFile) => void,
): Promise<EditionRecord | undefined> {
  const statuses: ShardStatus[] = [];
  for (const file of await listShardStatuses(root, id)) {
    const status = await readRecord(file.path, shardStatusSchema, collect);
    if (status) statuses.push(currentRecordForm(status));
  }
  return mergeShardStatuses(statuses);
}
