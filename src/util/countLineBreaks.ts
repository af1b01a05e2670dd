import { open } from 'node:fs/promises';

/**
 * How many line feeds a file holds: at least the number of rows of a CSV
 * after its header, for sizing a table before the rows are read. Read
 * through one buffer, so a list of a million rows leaves no garbage behind
 * (a stream's chunks would: 40 MB of them until the next collection).
 * Undefined when the file cannot be read; the read that follows reports why.
 */
export async function countLineBreaks(filePath: string): Promise<number | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(filePath, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    let count = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return count;
      const bytes = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) count++;
    }
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
