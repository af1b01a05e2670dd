import type { Shard } from '../ledger/archivePaths.js';

/**
 * `--shard i/n`: the i-th of n parts of the list, 1 ≤ i ≤ n. `1/1` is the
 * whole list, the same as no `--shard` (same journal, same lock).
 */
export function parseShard(value: string): Shard | null | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > 1000 || index < 1 || index > count) return undefined;
  return count === 1 ? null : { index, count };
}
