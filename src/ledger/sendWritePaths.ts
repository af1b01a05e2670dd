import path from 'node:path';
import { editionRecordPath, journalPath, type Shard, shardStatusPath } from './archivePaths.js';
import { suppressionsPath } from './suppressions.js';

/** The lock that keeps a second send of this edition (shard) off this machine. */
export function sendLockPath(root: string, editionId: string, shard?: Shard): string {
  return path.join(
    root,
    '.storyline',
    'locks',
    `${editionId}${shard ? `.${shard.index}-of-${shard.count}` : ''}.lock`,
  );
}

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
