import { readBounceLog } from '../ledger/bounceLog.js';
import { recentBounceEvents, type StoredBounceEvent } from '../store/recentBounceEvents.js';
import type { Store } from '../store/Store.js';

export interface ListedBounces {
  /** Newest first, at most `limit`. */
  events: StoredBounceEvent[];
  /** Problems reading `archive/bounces.jsonl`, one line each. */
  warnings: string[];
}

/**
 * `storyline bounces list`: the latest bounces and complaints from the store
 * and from `archive/bounces.jsonl`, newest first. Addresses come only from
 * the store's subscribers (the log holds hashes); the caller decides
 * whether to show them.
 */
export async function listBounces(
  root: string,
  store: Store | undefined,
  options: { edition?: string | undefined; limit: number },
): Promise<ListedBounces> {
  const log = await readBounceLog(root, undefined);
  const fromLog: StoredBounceEvent[] = log.entries
    .filter((entry) => options.edition === undefined || entry.edition === options.edition)
    .map((entry) => ({
      at: entry.at,
      kind: entry.kind,
      source: entry.source,
      edition: entry.edition,
      status: entry.status,
      hash: entry.hash,
      address: undefined,
    }));
  const fromStore = store ? await recentBounceEvents(store, options) : [];
  // Both newest first (the log's order reversed), so the stable sort keeps
  // the order of events at the same time.
  const events = [...fromStore, ...fromLog.reverse()]
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, options.limit);
  return { events, warnings: log.warnings };
}
