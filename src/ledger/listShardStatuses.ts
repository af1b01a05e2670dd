import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { editionDir, type Shard, shardOfStatusName } from './archivePaths.js';

export interface ShardStatusFile {
  /** As its name says; a hand-made name like `status.01-of-3.json` is read from where it is. */
  shard: Shard;
  path: string;
}

/** The status files in an edition's folder, in file name order; none when it has no folder. */
export async function listShardStatuses(
  root: string,
  editionId: string,
): Promise<ShardStatusFile[]> {
  let names: string[];
  try {
    names = await readdir(editionDir(root, editionId));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.sort().flatMap((name) => {
    const shard = shardOfStatusName(name);
    return shard ? [{ shard, path: path.join(editionDir(root, editionId), name) }] : [];
  });
}
