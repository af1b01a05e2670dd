import { open } from 'node:fs/promises';
import path from 'node:path';
import { addressHash } from './addressHash.js';
import { appendJsonLines } from './appendJsonLines.js';
import { readJsonLines } from './readJsonLines.js';
import { secretId } from './secretId.js';
import { suppressionSchema } from './suppressionSchema.js';

/** `complained`: a spam complaint (since bounces were applied); older readers refuse it as a damaged line. */
export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained';

/** One line of `archive/suppressions.jsonl`. Holds no address, only its hash. */
export interface Suppression {
  /** `addressHash(address, secret)`. */
  hash: string;
  reason: SuppressionReason;
  /** ISO 8601 time the suppression was recorded. */
  at: string;
  /** `secretId(secret)` of the key the hash was made with. */
  key: string;
}

/** Where read hashes go: a `Set`, or a send's compact `HashPrefixMap`. */
export interface HashCollector {
  add(hash: string): unknown;
}

export interface ReadSuppressions<T extends HashCollector = Set<string>> {
  hashes: T;
  /** One line per problem, `archive/suppressions.jsonl:LINE: …`; the caller prints them. */
  warnings: string[];
}

const relativePath = 'archive/suppressions.jsonl';

export function suppressionsPath(root: string): string {
  return path.join(root, relativePath);
}

/** The entry recording that an address must not be mailed again. */
export function suppressionFor(
  email: string,
  reason: SuppressionReason,
  secret: string,
  at: Date,
): Suppression {
  return { hash: addressHash(email, secret), reason, at: at.toISOString(), key: secretId(secret) };
}

/**
 * The hashes of every suppressed address. A missing file means nobody is
 * suppressed. A damaged line is skipped with a warning instead of stopping
 * the send, because one torn line must not block mail to everyone else; the
 * warnings name the line so it can be repaired. Entries made under another
 * `STORYLINE_SECRET` can never match and are counted in one warning: the
 * caller should refuse to mail until the old key is restored, or those
 * people are mailed after they unsubscribed. Read line by line; a send
 * collects the hashes `into` a compact set rather than a `Set` of strings.
 */
export async function readSuppressions(root: string, secret: string): Promise<ReadSuppressions>;
export async function readSuppressions<T extends HashCollector>(
  root: string,
  secret: string,
  into: T,
): Promise<ReadSuppressions<T>>;
export async function readSuppressions(
  root: string,
  secret: string,
  into: HashCollector = new Set<string>(),
): Promise<ReadSuppressions<HashCollector>> {
  const hashes = into;
  const warnings: string[] = [];
  const key = secretId(secret);
  let otherKey = 0;
  for await (const read of readJsonLines(suppressionsPath(root), suppressionSchema)) {
    if ('problem' in read) {
      warnings.push(`${relativePath}:${read.line}: ${read.problem}; this line is skipped`);
    } else if (read.entry.key !== undefined && read.entry.key !== key) otherKey++;
    else hashes.add(read.entry.hash);
  }
  if (otherKey > 0) {
    warnings.push(
      `${relativePath}: Unexpected ${otherKey} ${otherKey === 1 ? 'entry' : 'entries'} made with another STORYLINE_SECRET, expected the current one; these addresses cannot be recognised, so restore the secret they were made with`,
    );
  }
  return { hashes, warnings };
}

/**
 * Record a suppression durably: appended, then flushed to the disk before
 * returning, so a crash right after an unsubscribe never forgets it. If a
 * crash tore the previous line, a newline is written first so the torn line
 * stays one bad line instead of corrupting this one.
 */
export async function appendSuppression(root: string, entry: Suppression): Promise<void> {
  const filePath = suppressionsPath(root);
  const { hash, reason, at, key } = entry;
  // Only these fields, so nothing else the caller put on the entry (such
  // as the address) can reach the committed archive.
  const { created } = await appendJsonLines(root, filePath, [
    JSON.stringify({ hash, reason, at, key }),
  ]);
  if (created) await syncDirectory(path.dirname(filePath));
}

/** A new file survives a crash only once its folder entry is on disk too. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open or sync a folder; there the file system journals it.
  } finally {
    await handle?.close();
  }
}
