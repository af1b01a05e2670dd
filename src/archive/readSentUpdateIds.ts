import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Ids of updates already mailed: those in an `archive/<edition>/edition.json`
 * whose delivery finished (`complete: true`). A missing or empty archive
 * means nothing was sent. An edition that stopped part-way does not count,
 * so the next run resumes it instead of skipping its updates.
 */
export async function readSentUpdateIds(root: string): Promise<Set<string>> {
  const archive = path.join(root, 'archive');
  const sent = new Set<string>();
  let names: string[];
  try {
    names = await readdir(archive);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return sent;
    throw error;
  }
  for (const name of names) {
    let text: string;
    try {
      text = await readFile(path.join(archive, name, 'edition.json'), 'utf8');
    } catch {
      continue;
    }
    const edition = JSON.parse(text) as { complete?: unknown; updates?: unknown };
    if (edition.complete === true && Array.isArray(edition.updates)) {
      for (const id of edition.updates) if (typeof id === 'string') sent.add(id);
    }
  }
  return sent;
}
