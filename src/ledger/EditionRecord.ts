import type { Edition } from '../edition/Edition.js';

/** How many recipients ended each way. */
export interface DeliveryCounts {
  sent: number;
  failed: number;
  suppressed: number;
  /** Temporary failures and interrupted sends, left for the next run. */
  deferred: number;
}

/** What an edition holds, the same from every run and every shard. */
export interface EditionDescription {
  id: string;
  headline: string;
  subject: string;
  preheader: string;
  /**
   * The updates this edition announced, newest first: only these, so a record
   * stays the same size however long the story gets. The updates it showed
   * as earlier are every earlier edition's (`earlierUpdatesByEdition`).
   */
  updates: string[];
}

/**
 * `archive/<edition-id>/edition.json`: what an edition holds and how its
 * delivery went. Holds no address. An unsplit send writes it when it starts
 * (`complete: false`) and when it stops; a split send writes one
 * `status.<i>-of-<n>.json` per shard instead, and edition.json once every
 * shard is complete (its bytes the same whichever shard writes it).
 */
export interface EditionRecord extends EditionDescription {
  /** How many shards the list was split into (1 when not split). */
  shards: number;
  startedAt: string;
  finishedAt: string | null;
  counts: DeliveryCounts;
  /** Every recipient has a final outcome (in every shard) and none is deferred. */
  complete: boolean;
  /**
   * `secretId` of the STORYLINE_SECRET that hashed the journals' addresses
   * (absent in records written before it was kept).
   */
  key?: string | undefined;
}

/** `archive/<edition-id>/status.<i>-of-<n>.json`: one shard's progress. */
export interface ShardStatus extends EditionDescription {
  shard: number;
  of: number;
  startedAt: string;
  finishedAt: string | null;
  counts: DeliveryCounts;
  complete: boolean;
  /** `secretId` of the STORYLINE_SECRET that hashed this shard's journal. */
  key?: string | undefined;
}

export function emptyCounts(): DeliveryCounts {
  return { sent: 0, failed: 0, suppressed: 0, deferred: 0 };
}

export function describeEdition(edition: Edition): EditionDescription {
  return {
    id: edition.id,
    headline: edition.headline,
    subject: edition.subject,
    preheader: edition.preheader,
    updates: edition.newUpdates.map((u) => u.id),
  };
}

/** Sum of counts, for an edition split into shards. */
export function addCounts(all: readonly DeliveryCounts[]): DeliveryCounts {
  const total = emptyCounts();
  for (const counts of all) {
    total.sent += counts.sent;
    total.failed += counts.failed;
    total.suppressed += counts.suppressed;
    total.deferred += counts.deferred;
  }
  return total;
}
