import type { VFile } from 'vfile';
import type { Edition } from '../edition/Edition.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import { editionRecordPath, type Shard, shardStatusPath } from './archivePaths.js';
import { currentRecordForm, recordJson } from './currentRecordForm.js';
import {
  type DeliveryCounts,
  describeEdition,
  type EditionRecord,
  emptyCounts,
  type ShardStatus,
} from './EditionRecord.js';
import { editionRecordSchema } from './editionRecordSchema.js';
import { listShardStatuses } from './listShardStatuses.js';
import { mergeShardStatuses } from './mergeShardStatuses.js';
import { readRecord } from './readRecordFile.js';
import { shardStatusSchema } from './shardStatusSchema.js';

/**
 * Mark the edition (this shard) as in progress, keeping the first start time
 * across runs. Refuses a split that differs from the one the edition began with.
 */
export async function recordDeliveryStart(
  root: string,
  edition: Edition,
  shard: Shard | undefined,
  startedAt: Date,
  key: string,
): Promise<void> {
  const id = edition.id;
  // Each way of splitting keeps its own journals: a send split another way
  // would not see who was mailed, and mail them again.
  const record = await readRecord(editionRecordPath(root, id), editionRecordSchema, stopAt);
  const begun = new Set((await listShardStatuses(root, id)).map((file) => file.shard.count));
  if (shard && shard.count > 1) {
    if (record && record.shards !== shard.count) throw splitError(id, record.shards);
    const other = [...begun].find((n) => n !== shard.count);
    if (other !== undefined) throw splitError(id, other);
    const existing = await readRecord(shardStatusPath(root, id, shard), shardStatusSchema, stopAt);
    // The key is the one the journal was just checked against (or the first).
    const status: ShardStatus = existing
      ? { ...currentRecordForm(existing), key }
      : {
          ...describeEdition(edition),
          shard: shard.index,
          of: shard.count,
          startedAt: startedAt.toISOString(),
          finishedAt: null,
          counts: emptyCounts(),
          complete: false,
          key,
        };
    await writeJson(shardStatusPath(root, id, shard), status);
    return;
  }
  if (record?.shards && record.shards > 1) throw splitError(id, record.shards);
  const [split] = begun;
  if (split !== undefined) throw splitError(id, split);
  const started: EditionRecord = record
    ? { ...currentRecordForm(record), key }
    : {
        ...describeEdition(edition),
        shards: 1,
        startedAt: startedAt.toISOString(),
        finishedAt: null,
        counts: emptyCounts(),
        complete: false,
        key,
      };
  await writeJson(editionRecordPath(root, id), started);
}

/** Write the outcome; returns whether the whole edition (every shard) is complete. */
export async function recordDeliveryEnd(
  root: string,
  id: string,
  shard: Shard | undefined,
  finishedAt: Date,
  counts: DeliveryCounts,
  complete: boolean,
): Promise<boolean> {
  const outcome = { finishedAt: complete ? finishedAt.toISOString() : null, counts, complete };
  if (!shard || shard.count === 1) {
    const path = editionRecordPath(root, id);
    const record = (await readRecord(path, editionRecordSchema, stopAt)) as EditionRecord;
    await writeJson(path, { ...currentRecordForm(record), ...outcome });
    return complete;
  }
  const statusPath = shardStatusPath(root, id, shard);
  const status = (await readRecord(statusPath, shardStatusSchema, stopAt)) as ShardStatus;
  await writeJson(statusPath, { ...currentRecordForm(status), ...outcome });
  const all: ShardStatus[] = [];
  for (let index = 1; index <= shard.count; index++) {
    const other = await readRecord(
      shardStatusPath(root, id, { index, count: shard.count }),
      shardStatusSchema,
      stopAt,
    );
    if (!other?.complete) return false;
    all.push(other);
  }
  // Every shard is done: edition.json is written from the shards' files alone,
  // the way the ledger reads them, so whichever shard gets here writes the same bytes.
  const record = mergeShardStatuses(all);
  if (!record) return false;
  await writeJson(editionRecordPath(root, id), record);
  return true;
}

/** A damaged record stops the send with its file and line. */
function stopAt(file: VFile): never {
  const problem = file.messages[0];
  throw new Error(`${file.path}:${problem?.line ?? 1}: ${problem?.reason}`);
}

function splitError(id: string, shards: number): Error {
  return new Error(
    shards > 1
      ? `edition ${id} is being sent in ${shards} shards; run each with --shard i/${shards}, never unsplit or split another way, so nobody is mailed twice`
      : `edition ${id} is being sent unsplit; run storyline send without --shard, so nobody is mailed twice`,
  );
}

function writeJson(filePath: string, value: object): Promise<void> {
  return writeFileAtomic(filePath, recordJson(value));
}
