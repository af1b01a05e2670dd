import type { Shard } from '../ledger/archivePaths.js';
import { journalsOf } from '../ledger/journalsOf.js';
import { findEditionSend } from '../store/beginEditionSend.js';
import type { Store } from '../store/Store.js';
import type { SendRefusal } from './sendPreflight.js';

/**
 * Where an edition's deliveries are recorded: the journal in git, or the
 * deliveries ledger's rows in a PostgreSQL store.
 */
export type LedgerChoice =
  | { ledger: 'journal'; note?: string | undefined }
  | { ledger: 'deliveries'; store: Store }
  | { ledger: 'refused'; refusal: SendRefusal };

/**
 * The ledger a send of this edition uses. With a PostgreSQL store it is the
 * store's `deliveries` table, which any number of processes share, so
 * `--shard` is refused there; an edition keeps the ledger it began with, so
 * one begun with a journal in git before the store was PostgreSQL (split or
 * not) is finished from that journal, and nobody it records is mailed again.
 * SQLite stores and CSV lists keep the journal.
 */
export async function chooseLedger(options: {
  root: string;
  editionId: string;
  shard?: Shard | undefined;
  store?: Store | undefined;
}): Promise<LedgerChoice> {
  const { root, editionId, shard, store } = options;
  if (store?.engine !== 'postgres') return { ledger: 'journal' };
  const split = shard !== undefined && shard.count > 1;
  const begunInStore = (await findEditionSend(store, editionId)) !== undefined;
  const journals = begunInStore ? [] : await journalsOf(root, editionId);
  // Split or not, as it began: the journal's own check refuses another split.
  if (journals.length > 0)
    return {
      ledger: 'journal',
      note: `note: ${editionId} began with a journal in git (archive/${editionId}/${journals[0]}); it is finished from there, and later editions' deliveries go into the subscriber store`,
    };
  if (split)
    return {
      ledger: 'refused',
      refusal: {
        kind: 'shard-with-deliveries-table',
        message: `--shard splits the journal in git, but with a PostgreSQL store deliveries are rows in its \`deliveries\` table${begunInStore ? ` (where ${editionId} is being sent)` : ''}: run \`storyline send\` without --shard, in as many processes as you like, on one machine or several; they share the edition`,
      },
    };
  return { ledger: 'deliveries', store };
}
