import { addCounts, type EditionRecord, type ShardStatus } from './EditionRecord.js';

/**
 * The edition record a split send's status files add up to: complete once all
 * `of` shards are. Built from the files alone, in a fixed field order, so
 * every shard that finds the others complete writes the same edition.json,
 * and the ledger reads a sharded edition the same way before it exists.
 */
export function mergeShardStatuses(statuses: readonly ShardStatus[]): EditionRecord | undefined {
  const [first] = statuses;
  if (!first) return undefined;
  const complete = statuses.length === first.of && statuses.every((s) => s.complete);
  return {
    id: first.id,
    headline: first.headline,
    subject: first.subject,
    preheader: first.preheader,
    updates: first.updates,
    shards: first.of,
    startedAt: statuses.map((s) => s.startedAt).sort()[0] ?? first.startedAt,
    finishedAt: complete
      ? (statuses
          .map((s) => s.finishedAt ?? '')
          .sort()
          .at(-1) ?? null)
      : null,
    counts: addCounts(statuses.map((s) => s.counts)),
    complete,
    ...(first.key ? { key: first.key } : {}),
  };
}
