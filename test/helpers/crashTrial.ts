import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEntry } from '../../src/ledger/Journal.js';

/** Hashes whose last journal line is `sending`: in flight when the process died. */
export async function inFlightHashes(root: string, editionId: string): Promise<string[]> {
  let text = '';
  try {
    text = await readFile(path.join(root, 'archive', editionId, 'deliveries.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const last = new Map<string, string>();
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as JournalEntry;
      last.set(entry.hash, entry.status);
    } catch {
      // A line cut short by the kill; the send drops it too.
    }
  }
  return [...last].filter(([, status]) => status === 'sending').map(([hash]) => hash);
}

/** Whichever comes first: the moment, or the process ending on its own. */
export async function until(moment: Promise<unknown>, done: Promise<unknown>): Promise<boolean> {
  let ended = false;
  await Promise.race([moment, done.then(() => (ended = true))]);
  return ended;
}
