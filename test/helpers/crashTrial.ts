import path from 'node:path';
import { secretId } from '../../src/ledger/secretId.js';
import { journalRecords } from './journalRecords.js';
import { secret } from './sendFixture.js';

/**
 * Hashes whose last journal line is `sending`: in flight when the process
 * died. Read through the reader `send` uses, in either form; a line cut
 * short by the kill is left out, as the send drops it.
 */
export async function inFlightHashes(root: string, editionId: string): Promise<string[]> {
  let records: Awaited<ReturnType<typeof journalRecords>>;
  try {
    records = await journalRecords(
      path.join(root, 'archive', editionId, 'deliveries.jsonl'),
      secretId(secret),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const last = new Map<string, string>();
  for (const record of records) last.set(record.hash, record.status);
  return [...last].filter(([, status]) => status === 'sending').map(([hash]) => hash);
}

/** Whichever comes first: the moment, or the process ending on its own. */
export async function until(moment: Promise<unknown>, done: Promise<unknown>): Promise<boolean> {
  let ended = false;
  await Promise.race([moment, done.then(() => (ended = true))]);
  return ended;
}
