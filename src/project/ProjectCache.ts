import { ContentCache } from '../content/ContentCache.js';
import { LedgerCache } from '../ledger/LedgerCache.js';

/**
 * What a long-running loader of one content root (the preview) keeps between
 * loads: parsed content files, and the archive's edition records and folder
 * listings, each read again only when its file changed. `loadProject` takes
 * its parts (`cache`, `ledgerCache`).
 */
export class ProjectCache {
  readonly content = new ContentCache();
  readonly ledger = new LedgerCache();
}
