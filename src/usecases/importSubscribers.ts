import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { readSubscribers } from '../deliver/readSubscribers.js';
import { findSubscriber } from '../store/findSubscriber.js';
import { isSuppressed } from '../store/isSuppressed.js';
import type { Store } from '../store/Store.js';
import { upsertSubscriber } from '../store/upsertSubscriber.js';

/** Rows upserted per transaction. */
const BATCH_ROWS = 1000;

export interface ImportCounts {
  /** New subscribers, active. */
  added: number;
  /** Existing subscribers whose name or other columns changed. */
  updated: number;
  unchanged: number;
  /** Addresses with a suppression in the store (unsubscribed, bounced, erased…): not added. */
  suppressed: number;
  /** Existing subscribers who unsubscribed, bounced or complained: left as they are. */
  inactive: number;
  /** Rows skipped with a warning (bad rows, bad addresses, duplicates). */
  badRows: number;
}

export type ImportResult =
  | { kind: 'imported'; counts: ImportCounts; problems: VFileMessage[]; fatal: boolean }
  | { kind: 'unreadable'; reason: string };

/**
 * `storyline subscribers import FILE.csv`: the list streamed through the
 * same reader `send` uses (same row checks, same line-numbered warnings),
 * each subscriber upserted as `active`, source `import`. Importing a file
 * again changes nothing, and never brings back anyone who left: an address
 * suppressed in the store (which outlives erasure) is not added, and an
 * existing subscriber who unsubscribed, bounced or complained is left alone.
 */
export async function importSubscribers(
  store: Store,
  options: { file: string; secret: string; now: Date },
): Promise<ImportResult> {
  let stats: Awaited<ReturnType<typeof stat>> | undefined;
  try {
    stats = await stat(options.file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!stats) return { kind: 'unreadable', reason: 'missing file' };
  if (!stats.isFile())
    return {
      kind: 'unreadable',
      reason: stats.isDirectory() ? 'directory' : 'path that is not a regular file',
    };

  const file = new VFile({ path: options.file });
  const consent = `imported from ${path.basename(options.file)}`;
  const counts: ImportCounts = {
    added: 0,
    updated: 0,
    unchanged: 0,
    suppressed: 0,
    inactive: 0,
    badRows: 0,
  };
  // Warnings arrive before the row they are about is yielded (or instead of
  // it): those on other lines than the subscriber's are rows skipped.
  let seen = 0;
  const countSkipped = (keptLine: number | undefined) => {
    const lines = new Set<number>();
    for (const message of file.messages.slice(seen))
      if (!message.fatal && message.line !== keptLine) lines.add(message.line ?? 0);
    counts.badRows += lines.size;
    seen = file.messages.length;
  };
  // One transaction per batch of rows rather than one per row: a commit per
  // row made a million-row import take a quarter of an hour on PostgreSQL
  // (bench/store). Rows are checked and upserted exactly as one at a time.
  const rows = readSubscribers(options.file, file)[Symbol.asyncIterator]();
  let done = false;
  while (!done) {
    await store.db.transaction().execute(async (trx) => {
      const batch: Store = { ...store, db: trx };
      for (let n = 0; n < BATCH_ROWS; n++) {
        const next = await rows.next();
        if (next.done) {
          done = true;
          return;
        }
        const row = next.value;
        countSkipped(row.line);
        if (await isSuppressed(batch, row.email, options.secret)) {
          counts.suppressed++;
          continue;
        }
        const existing = await findSubscriber(batch, row.email);
        if (existing && existing.status !== 'active' && existing.status !== 'pending') {
          counts.inactive++;
          continue;
        }
        const result = await upsertSubscriber(batch, {
          address: row.email,
          name: row.name,
          attributes: filledIn(row.fields),
          status: 'active',
          source: 'import',
          consent,
          now: options.now,
        });
        if (result.created) counts.added++;
        else if (result.updated) counts.updated++;
        else counts.unchanged++;
      }
    });
  }
  countSkipped(undefined);
  return {
    kind: 'imported',
    counts,
    problems: file.messages,
    fatal: file.messages.some((message) => message.fatal),
  };
}

/** An empty cell is no value: kept, it would turn up as a column in every export and import back different. */
function filledIn(fields: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
}
