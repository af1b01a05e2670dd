import { lstat, readdir } from 'node:fs/promises';
import type { VFile } from 'vfile';
import { archiveDir, editionRecordPath } from './archivePaths.js';
import { currentRecordForm } from './currentRecordForm.js';
import type { EditionRecord, ShardStatus } from './EditionRecord.js';
import { editionRecordSchema } from './editionRecordSchema.js';
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
  for (const id of names.sort()) {
    const read = await readRecord(editionRecordPath(root, id), editionRecordSchema, collect);
    const record = read ? currentRecordForm(read) : await fromShards(root, id, collect);
    if (!record) continue;
    editions.push(record);
    if (read?.earlierUpdates && record.complete) oldForm.push(record);
  }
  editions.sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id.localeCompare(b.id),
  );
  const sent = new Set(editions.filter((e) => e.complete).flatMap((e) => e.updates));
  const inProgress = editions.find((e) => !e.complete);
  return { ledger: { editions, sent, inProgress, oldForm }, files };
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
