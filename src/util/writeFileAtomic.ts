import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Write a file so that readers see the old content or the new, never half
 * of it: write a temporary file beside it, then rename over it. `data` may
 * come in pieces (strings, written one after another as UTF-8).
 *
 * Durable as well as atomic: the temporary file is flushed to the disk
 * before the rename, and the folder after it. Without the first, a power
 * cut can leave the new name pointing at an empty file (the rename reached
 * the disk before the data); without the second, the rename itself can be
 * lost. Journal compaction relies on this to replace an fdatasynced journal.
 */
export async function writeFileAtomic(
  filePath: string,
  data: string | Uint8Array | Iterable<string>,
): Promise<void> {
  const directory = path.dirname(filePath);
  await mkdir(directory, { recursive: true });
  const temporary = `${filePath}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await writeFile(handle, data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, filePath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

/** Errors of platforms that cannot open or fsync a folder (Windows, some network file systems). */
const cannotSyncDirectory = new Set(['EISDIR', 'EINVAL', 'EPERM']);

async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    if (!cannotSyncDirectory.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
