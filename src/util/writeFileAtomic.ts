import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Write a file so that readers see the old content or the new, never half
 * of it: write a temporary file beside it, then rename over it. `data` may
 * come in pieces (strings, written one after another as UTF-8).
 */
export async function writeFileAtomic(
  filePath: string,
  data: string | Uint8Array | Iterable<string>,
): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true });
  const temporary = `${filePath}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, filePath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
