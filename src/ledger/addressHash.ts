import { createHmac } from 'node:crypto';
import { normalizeAddress } from '../util/normalizeAddress.js';

function addressDigest(email: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(normalizeAddress(email), 'utf8').digest();
}

/**
 * How an address is written anywhere under `archive/`, which is committed and
 * may be public: HMAC-SHA256 keyed with `STORYLINE_SECRET`, base64url, first
 * 22 characters (132 bits). Keyed, so a reader of the archive cannot confirm a
 * guessed address; 132 bits, so two subscribers never collide. The address is
 * trimmed and lowercased first, so `Ada@Example.org` and `ada@example.org`
 * are one subscriber. Changing the secret changes every hash: the journal and
 * the suppression list no longer match anyone.
 */
export function addressHash(email: string, secret: string): string {
  return addressDigest(email, secret).toString('base64url').slice(0, 22);
}

/**
 * The shard (0 to n - 1) an address belongs to for `send --shard i/n`. Each
 * address maps to exactly one shard, so the n shards partition the list: run
 * together they cover every subscriber once, whatever order the CSV is in.
 * Keyed like the hash, so the split is even whatever the addresses look like.
 * The first 6 bytes of the HMAC as an integer (below 2^48, exact in a double)
 * modulo n; the bias for any practical n is below 2^-30.
 */
export function shardOf(email: string, secret: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`Unexpected shard count ${n}, expected a whole number of at least 1`);
  }
  return addressDigest(email, secret).readUIntBE(0, 6) % n;
}

/** Whether an address belongs to a shard; every address belongs when there is none (or `1/1`). */
export function inShard(
  email: string,
  secret: string,
  shard: { index: number; count: number } | undefined,
): boolean {
  return !shard || shard.count === 1 || shardOf(email, secret, shard.count) === shard.index - 1;
}
