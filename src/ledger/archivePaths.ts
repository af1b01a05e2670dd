import path from 'node:path';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function archiveDir(root: string): string {
  return path.join(root, 'archive');
}

export function editionDir(root: string, editionId: string): string {
  return path.join(archiveDir(root), editionId);
}

export function editionRecordPath(root: string, editionId: string): string {
  return path.join(editionDir(root, editionId), 'edition.json');
}

/** `deliveries.jsonl`, or `deliveries.<i>-of-<n>.jsonl` for one shard. */
export function journalPath(root: string, editionId: string, shard?: Shard): string {
  const name =
    shard && shard.count > 1
      ? `deliveries.${shard.index}-of-${shard.count}.jsonl`
      : 'deliveries.jsonl';
  return path.join(editionDir(root, editionId), name);
}

export function shardStatusPath(root: string, editionId: string, shard: Shard): string {
  return path.join(editionDir(root, editionId), `status.${shard.index}-of-${shard.count}.json`);
}
