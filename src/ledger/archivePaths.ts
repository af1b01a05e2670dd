import path from 'node:path';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function archiveDir(root: string): string {
  return path.join(root, 'archive');
}

export function editionDir(root: string, editionId: string): string {
  return path.join(archiveDir(root), editionId);
}

export function editionRecordPath(root: string, editionId: string): string {
  return path.join(editionDir(root, editionId), 'edition.json');
}

/**
 * `editionRecordPath` for a folder name listed in `archive`, a folder that
 * `archiveDir` gave (so already normalised): joined by hand, since
 * path.join's normalising would change nothing, and a preview save builds
 * thousands of these.
 */
export function recordPathIn(archive: string, editionId: string): string {
  return `${archive}${path.sep}${editionId}${path.sep}edition.json`;
}

/**
 * `<i>-of-<n>`: the one spelling of a shard in file names. An unsplit send,
 * and `1/1`, have none, so they share journal and lock.
 */
function shardSuffix(shard: Shard | undefined): string {
  return shard && shard.count > 1 ? `.${shard.index}-of-${shard.count}` : '';
}

const shardStatusName = /^status\.(\d+)-of-(\d+)\.json$/;

/** `deliveries.jsonl`, or `deliveries.<i>-of-<n>.jsonl` for one shard. */
export function journalPath(root: string, editionId: string, shard?: Shard): string {
  return path.join(editionDir(root, editionId), `deliveries${shardSuffix(shard)}.jsonl`);
}

const journalName = /^deliveries(\.\d+-of-\d+)?\.jsonl$/;

/** Whether a file name in an edition's folder is a journal, the unsplit one or a shard's. */
export function isJournalName(name: string): boolean {
  return journalName.test(name);
}

/** `status.<i>-of-<n>.json`: one shard's progress (only a split send has them). */
export function shardStatusPath(root: string, editionId: string, shard: Shard): string {
  return path.join(editionDir(root, editionId), `status${shardSuffix(shard)}.json`);
}

/** The shard a file name in an edition's folder is the status of, if it is one. */
export function shardOfStatusName(name: string): Shard | undefined {
  const match = shardStatusName.exec(name);
  return match ? { index: Number(match[1]), count: Number(match[2]) } : undefined;
}

/** The lock that keeps a second send of this edition (shard) off this machine. */
export function sendLockPath(root: string, editionId: string, shard?: Shard): string {
  return path.join(root, '.storyline', 'locks', `${editionId}${shardSuffix(shard)}.lock`);
}
