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
  const events = [...fromStore, ...fromLog]
    // Stable: the log's own order (oldest first) breaks ties, reversed.
    .map((event, index) => ({ event, index }))
    .sort((a, b) => b.event.at.localeCompare(a.event.at) || b.index - a.index)
    .slice(0, options.limit)
    .map(({ event }) => event);
  return { events, warnings: log.warnings };
}
