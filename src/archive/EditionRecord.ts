/** How many recipients ended each way. */
export interface DeliveryCounts {
  sent: number;
  failed: number;
  suppressed: number;
  /** Temporary failures left for the next run. */
  deferred: number;
}

/**
 * `archive/<edition-id>/edition.json`: what an edition holds and how its
 * delivery went. Written when sending starts (`complete: false`), updated
 * when it ends. Holds no address.
 */
export interface EditionRecord {
  id: string;
  headline: string;
  subject: string;
  preheader: string;
  /** The updates this edition announced, newest first. */
  updates: string[];
  earlierUpdates: string[];
  /** How many shards the list was split into (1 when not split). */
  shards: number;
  startedAt: string;
  finishedAt: string | null;
  counts: DeliveryCounts;
  /** Every recipient has a final outcome (in every shard). */
  complete: boolean;
}

/** `archive/<edition-id>/status.<i>-of-<n>.json`: one shard's progress. */
export interface ShardStatus {
  shard: number;
  of: number;
  counts: DeliveryCounts;
  complete: boolean;
  finishedAt: string | null;
}

export const emptyCounts: DeliveryCounts = { sent: 0, failed: 0, suppressed: 0, deferred: 0 };
