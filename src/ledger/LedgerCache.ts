import { StampedCache } from '../util/StampedCache.js';
import type { EditionRecord } from './EditionRecord.js';
import type { Ledger } from './readLedger.js';

/** A valid edition.json as the ledger holds it. */
export interface KeptRecord {
  /** In today's form (`currentRecordForm`); shared by every load that finds the file unchanged. */
  record: EditionRecord;
  /** The file is in an older version's form, which `publish` rewrites. */
  oldForm: boolean;
}

/** One entry of an archive folder, as the walk for links needs it. */
export interface FolderEntry {
  name: string;
  kind: 'folder' | 'link' | 'other';
}

/**
 * The archive as last read, kept between loads of one content root (the
 * preview keeps one for as long as it runs): a story mailed one update at a
 * time has an edition record per update, thousands of them, and a save
 * should not read and validate every one again. Valid records are kept by
 * their file's stamp (a `send` or `publish` rewrites a record by rename, a
 * new inode; a hand edit moves its times), folder listings by the folder's
 * (an entry added, removed or renamed moves them). A damaged record and a
 * folder holding a link are never kept: they are read, and reported, on
 * every load.
 */
export class LedgerCache {
  readonly records = new StampedCache<KeptRecord>();
  readonly folders = new StampedCache<readonly FolderEntry[]>();
  /**
   * The ledger last built and the records it was built from, in folder name
   * order: when a load finds the very same record objects (every file
   * unchanged), it is the ledger again, without sorting and collecting.
   */
  lastLedger: { records: readonly EditionRecord[]; ledger: Ledger } | undefined;
}
