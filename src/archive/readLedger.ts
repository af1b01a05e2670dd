import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { readFileNoFollow } from '../util/openNoFollow.js';
import { UnsafePathError } from '../util/UnsafePathError.js';
import { archiveDir } from './archivePaths.js';
import { addCounts, type EditionRecord, type ShardStatus } from './EditionRecord.js';

export interface Ledger {
  /** Every edition in the archive, oldest first. */
  editions: EditionRecord[];
  /** Ids of updates in an edition that finished delivering: never mailed again. */
  sent: Set<string>;
  /** An edition that started and did not finish: it is resumed before anything new. */
  inProgress: EditionRecord | undefined;
}

export interface LedgerResult {
  ledger: Ledger;
  /** Archive files that could not be read, with their messages. */
  files: VFile[];
}

/**
 * Read the archive's record of what was sent. A missing or empty archive
 * means nothing was. An update counts as sent once an edition holding it has
 * finished delivering; an edition that stopped part-way is "in progress", so
 * the next send resumes it rather than skipping or re-mailing its updates.
 */
export async function readLedger(root: string): Promise<LedgerResult> {
  const files: VFile[] = [];
  let names: string[];
  try {
    // A linked archive is never read (reportArchiveLinks reports it): as if there were none.
    const entries = (await lstat(archiveDir(root))).isSymbolicLink()
      ? []
      : await readdir(archiveDir(root), { withFileTypes: true });
    names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { ledger: { editions: [], sent: new Set(), inProgress: undefined }, files };
    }
    throw error;
  }
  const editions: EditionRecord[] = [];
  for (const name of names.sort()) {
    const dir = path.join(archiveDir(root), name);
    const record =
      (await readJson<EditionRecord>(path.join(dir, 'edition.json'), files)) ??
      (await fromShards(dir, files));
    if (record) editions.push(record);
  }
  editions.sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id.localeCompare(b.id),
  );
  const sent = new Set(editions.filter((e) => e.complete).flatMap((e) => e.updates));
  const inProgress = editions.find((e) => !e.complete);
  return { ledger: { editions, sent, inProgress }, files };
}

/** An edition being sent in shards has no edition.json until all are done: read the shards'. */
async function fromShards(dir: string, files: VFile[]): Promise<EditionRecord | undefined> {
  const names = (await readdir(dir)).filter((n) => /^status\.\d+-of-\d+\.json$/.test(n)).sort();
  const statuses: ShardStatus[] = [];
  for (const name of names) {
    const status = await readJson<ShardStatus>(path.join(dir, name), files);
    if (status) statuses.push(status);
  }
  const [first] = statuses;
  if (!first) return undefined;
  const {
    shard: _shard,
    of,
    startedAt,
    finishedAt: _finishedAt,
    counts: _counts,
    complete: _complete,
    ...description
  } = first;
  const complete = statuses.length === of && statuses.every((s) => s.complete);
  return {
    ...description,
    shards: of,
    startedAt: statuses.map((s) => s.startedAt).sort()[0] ?? startedAt,
    finishedAt: complete
      ? (statuses
          .map((s) => s.finishedAt ?? '')
          .sort()
          .at(-1) ?? null)
      : null,
    counts: addCounts(statuses.map((s) => s.counts)),
    complete,
  };
}

async function readJson<T>(filePath: string, files: VFile[]): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFileNoFollow(filePath);
  } catch (error) {
    // A link is refused unread; reportArchiveLinks reports it.
    if (error instanceof UnsafePathError) return undefined;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const file = new VFile({ path: filePath, value: text });
    reportProblem(
      file,
      `Unexpected archive file that is not JSON (${(error as Error).message}), expected the record storyline wrote; restore it from git`,
      undefined,
      'archive',
    );
    files.push(file);
    return undefined;
  }
}
