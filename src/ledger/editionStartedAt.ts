import type { VFile } from 'vfile';
import { editionRecordPath } from './archivePaths.js';
import { editionRecordSchema } from './editionRecordSchema.js';
import { listShardStatuses } from './listShardStatuses.js';
import { readRecord } from './readRecordFile.js';
import { shardStatusSchema } from './shardStatusSchema.js';

/**
 * When an edition's delivery first began (the earliest start in its record
 * and every shard's status file), or undefined before its first run: the
 * moment a subscriber had to be active by to receive it, the same for a
 * resumed run and every shard.
 */
export async function editionStartedAt(root: string, editionId: string): Promise<Date | undefined> {
  const starts: string[] = [];
  const record = await readRecord(editionRecordPath(root, editionId), editionRecordSchema, stopAt);
  if (record) starts.push(record.startedAt);
  for (const file of await listShardStatuses(root, editionId)) {
    const status = await readRecord(file.path, shardStatusSchema, stopAt);
    if (status) starts.push(status.startedAt);
  }
  const earliest = Math.min(...starts.map((at) => Date.parse(at)));
  return Number.isFinite(earliest) ? new Date(earliest) : undefined;
}

/** A damaged record stops the send with its file and line, as recording its start would. */
function stopAt(file: VFile): never {
  const problem = file.messages[0];
  throw new Error(`${file.path}:${problem?.line ?? 1}: ${problem?.reason}`);
}
