import {
  editionRecordPath,
  journalPath,
  type Shard,
  sendLockPath,
  shardStatusPath,
} from './archivePaths.js';
import { suppressionsPath } from './suppressions.js';

/**
 * Every file a send of this edition (shard) writes under the content root,
 * so each can pass the write guard before the first message goes out: a
 * refusal half-way would leave recipients mailed and not journaled.
 */
export function sendWritePaths(root: string, editionId: string, shard?: Shard): string[] {
  return [
    sendLockPath(root, editionId, shard),
    editionRecordPath(root, editionId),
    ...(shard && shard.count > 1 ? [shardStatusPath(root, editionId, shard)] : []),
    journalPath(root, editionId, shard),
    suppressionsPath(root),
  ];
}
