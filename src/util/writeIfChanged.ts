import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './writeFileAtomic.js';

/**
 * Write atomically, unless the file already holds exactly these bytes: a
 * rerun with nothing new leaves files (and their times) untouched. Returns
 * whether it wrote.
 */
export async function writeIfChanged(
  filePath: string,
  data: string | Uint8Array,
): Promise<boolean> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  try {
    if ((await readFile(filePath)).equals(bytes)) return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await writeFileAtomic(filePath, bytes);
  return true;
}
