import { lstatSync, type Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import type { VFile } from 'vfile';
import { archiveDir, editionRecordPath } from './archivePaths.js';
import { currentRecordForm } from './currentRecordForm.js';
import type { EditionRecord, ShardStatus } from './EditionRecord.js';
import { editionRecordSchema } from './editionRecordSchema.js';
import type { EditionRecordRead, LedgerCache } from './LedgerCache.js';
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
  const recordPaths = new Set<string>();
  for (const id of names.sort()) {
    const recordPath = editionRecordPath(root, id);
    recordPaths.add(recordPath);
    const read = cache
      ? await readCachedRecord(recordPath, cache, collect)
      : await readRecord(recordPath, editionRecordSchema, collect);
    const record = read ? currentRecordForm(read) : await fromShards(root, id, collect);
    if (!record) continue;
    editions.push(record);
    if (read?.earlierUpdates && record.complete) oldForm.push(record);
  }
  cache?.records.retain(recordPaths);
  editions.sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id.localeCompare(b.id),
  );
  const sent = new Set(editions.filter((e) => e.complete).flatMap((e) => e.updates));
  const inProgress = editions.find((e) => !e.complete);
  return { ledger: { editions, sent, inProgress, oldForm }, files };
}

/**
 * `readRecord` of an edition.json through `cache`: an unchanged valid record
 * is neither read nor validated again. A missing file, a link (refused
 * unread) and a damaged record take the uncached way, so they read and
 * report exactly as without a cache.
 */
async function readCachedRecord(
  filePath: string,
  cache: LedgerCache,
  collect: (file: VFile) => void,
): Promise<EditionRecordRead | undefined> {
  let stats: Stats | undefined;
  try {
    // Synchronous on purpose, as for content files: thousands of promise
    // stats a save cost several times what the calls themselves do.
    stats = lstatSync(filePath);
  } catch {
    stats = undefined;
  }
  if (!stats?.isFile()) return readRecord(filePath, editionRecordSchema, collect);
  const kept = cache.records.lookup(filePath, stats);
  if (kept) return kept;
  // A damaged record reads as undefined (its file collected): it is not kept.
  const read = await readRecord(filePath, editionRecordSchema, collect);
  if (read) cache.records.store(filePath, stats, read);
  return read;
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
