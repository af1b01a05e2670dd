import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';
import type { EditionRecord, ShardStatus } from './EditionRecord.js';

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
  const archive = path.join(root, 'archive');
  const files: VFile[] = [];
  let names: string[];
  try {
    names = (await readdir(archive, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { ledger: { editions: [], sent: new Set(), inProgress: undefined }, files };
    }
    throw error;
  }
  const editions: EditionRecord[] = [];
  for (const name of names.sort()) {
    const filePath = path.join(archive, name, 'edition.json');
    const record = await readJson<EditionRecord>(filePath, files);
    if (!record) continue;
    if (
      !record.complete &&
      record.shards > 1 &&
      (await allShardsComplete(path.join(archive, name), record.shards, files))
    ) {
      record.complete = true;
    }
    editions.push(record);
  }
  editions.sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id.localeCompare(b.id),
  );
  const sent = new Set(editions.filter((e) => e.complete).flatMap((e) => e.updates));
  const inProgress = editions.find((e) => !e.complete);
  return { ledger: { editions, sent, inProgress }, files };
}

async function allShardsComplete(dir: string, shards: number, files: VFile[]): Promise<boolean> {
  for (let shard = 1; shard <= shards; shard++) {
    const status = await readJson<ShardStatus>(
      path.join(dir, `status.${shard}-of-${shards}.json`),
      files,
      true,
    );
    if (!status?.complete) return false;
  }
  return true;
}

async function readJson<T>(
  filePath: string,
  files: VFile[],
  optional = false,
): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    if (optional) return undefined;
    const file = new VFile({ path: filePath, value: text });
    reportProblem(
      file,
      `Unexpected archive file that is not JSON (${(error as Error).message}), expected the edition record storyline wrote; restore it from git`,
      undefined,
      'archive',
    );
    files.push(file);
    return undefined;
  }
}
