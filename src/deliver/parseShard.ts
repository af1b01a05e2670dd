import type { Shard } from '../archive/archivePaths.js';

/** `--shard i/n`: the i-th of n parts of the list, 1 ≤ i ≤ n. */
export function parseShard(value: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > 1000 || index < 1 || index > count) return undefined;
  return { index, count };
}
