import { mkdir, type open } from 'node:fs/promises';
import path from 'node:path';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';
import { openNoFollow } from '../util/openNoFollow.js';
import { archiveDir } from './archivePaths.js';
import { type BounceLogEntry, bounceLogSchema } from './bounceLogSchema.js';

const relativePath = 'archive/bounces.jsonl';

export function bounceLogPath(root: string): string {
  return path.join(archiveDir(root), 'bounces.jsonl');
}

export interface ReadBounceLog {
  /** Entries made under the current key, in file order. */
  entries: BounceLogEntry[];
  /** One line per problem, `archive/bounces.jsonl:LINE: …`; the caller prints them. */
  warnings: string[];
}

/**
 * The bounce log of a project without a store. A missing file is an empty
 * log; a damaged line is skipped with a warning naming it, as for the
 * suppression list; entries under another `STORYLINE_SECRET` cannot be
 * matched to anyone and are left out, counted in one warning.
 */
export async function readBounceLog(
  root: string,
  /** `secretId` of the current key; undefined reads every entry (for counting only). */
  key: string | undefined,
): Promise<ReadBounceLog> {
  const entries: BounceLogEntry[] = [];
  const warnings: string[] = [];
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await openNoFollow(bounceLogPath(root), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries, warnings };
    throw error;
  }
  let otherKey = 0;
  try {
    let line = 0;
    for await (const text of handle.readLines({ encoding: 'utf8' })) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        warnings.push(
          `${relativePath}:${line}: Unexpected text that is not JSON, expected one JSON object per line; this line is skipped`,
        );
        continue;
      }
      const result = bounceLogSchema.safeParse(value);
      if (!result.success) {
        warnings.push(
          `${relativePath}:${line}: ${result.error.issues[0]?.message ?? 'Unexpected entry'}; this line is skipped`,
        );
      } else if (key !== undefined && result.data.key !== key) otherKey++;
      else entries.push(result.data);
    }
  } finally {
    await handle.close();
  }
  if (otherKey > 0) {
    warnings.push(
      `${relativePath}: Unexpected ${otherKey} ${otherKey === 1 ? 'entry' : 'entries'} made with another STORYLINE_SECRET, expected the current one; they are left out`,
    );
  }
  return { entries, warnings };
}

/**
 * Appends entries and flushes them to the disk before returning, so a
 * bounce applied is never forgotten (and so never counted twice). A line
 * torn by a crash is closed with a newline first, staying one bad line.
 */
export async function appendBounceLog(
  root: string,
  entries: readonly BounceLogEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const filePath = bounceLogPath(root);
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
    // Only the schema's fields, so nothing else on an entry (an address) reaches the archive.
    const lines = entries.map(({ event, source, kind, edition, hash, status, at, key }) =>
      JSON.stringify({ event, source, kind, edition, hash, status, at, key }),
    );
    await handle.appendFile(`${prefix}${lines.join('\n')}\n`, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
