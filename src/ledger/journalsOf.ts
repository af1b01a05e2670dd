import { readdir } from 'node:fs/promises';
import { editionDir, isJournalName } from './archivePaths.js';

/** The journal files of an edition (unsplit or shards), by name; none before its first send. */
export async function journalsOf(root: string, editionId: string): Promise<string[]> {
  try {
    return (await readdir(editionDir(root, editionId))).filter(isJournalName).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
