import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';
import { openNoFollow } from '../util/openNoFollow.js';

/**
 * Appends lines to an archive file under `root` and flushes them to the disk
 * before returning, so what was recorded survives a crash right after. If a
 * crash tore the previous line, a newline is written first so the torn line
 * stays one bad line instead of corrupting the first new one. Returns whether
 * the file was empty (new), for a caller that also syncs its folder.
 */
export async function appendJsonLines(
  root: string,
  filePath: string,
  lines: readonly string[],
): Promise<{ created: boolean }> {
  await assertWritableInsideRoot(root, filePath);
  await mkdir(path.dirname(filePath), { recursive: true });
  const handle = await openNoFollow(filePath, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.appendFile(`${prefix}${lines.join('\n')}\n`, 'utf8');
    await handle.datasync();
    return { created: size === 0 };
  } finally {
    await handle.close();
  }
}
