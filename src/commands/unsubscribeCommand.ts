import path from 'node:path';
import type { CommandContext } from '../cli/commandTable.js';
import { UsageError } from '../cli/UsageError.js';
import { addressHash } from '../deliver/addressHash.js';
import { addressProblem } from '../deliver/addressProblem.js';
import { secretFromEnv } from '../deliver/secret.js';
import { appendSuppression, readSuppressions, suppressionFor } from '../deliver/suppressions.js';
import { verifyUnsubscribeToken } from '../deliver/unsubscribeToken.js';

export interface UnsubscribeOptions {
  root: string;
  /** An address, or the token from an unsubscribe link. */
  addressOrToken: string;
  secret: string;
  now: Date;
}

export type UnsubscribeResult = 'added' | 'already' | 'invalid-token' | 'invalid-address';

/**
 * Add an address to the suppression list (as its hash): it is never mailed
 * again. Takes the address itself, or the token from a subscriber's link.
 */
export async function unsubscribe(options: UnsubscribeOptions): Promise<UnsubscribeResult> {
  const value = options.addressOrToken.trim();
  let email: string;
  if (value.includes('@')) {
    if (addressProblem(value)) return 'invalid-address';
    email = value;
  } else {
    const verified = verifyUnsubscribeToken(value, options.secret);
    if (!verified) return 'invalid-token';
    email = verified;
  }
  const { hashes } = await readSuppressions(options.root, options.secret);
  if (hashes.has(addressHash(email, options.secret))) return 'already';
  await appendSuppression(
    options.root,
    suppressionFor(email, 'unsubscribed', options.secret, options.now),
  );
  return 'added';
}

export async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const [value = ''] = positionals;
  if (!value.trim()) throw new UsageError('missing <email|token>');
  const { secret, warning } = secretFromEnv(io.env);
  if (warning) io.stderr.write(`warning: ${warning}\n`);
  const result = await unsubscribe({ root, addressOrToken: value, secret, now: io.now() });
  // The address is not echoed: this may run in a CI log that others can read.
  switch (result) {
    case 'added':
      io.stdout.write(
        'Unsubscribed: no later edition will be mailed to that address (archive/suppressions.jsonl holds its hash)\n',
      );
      return 0;
    case 'already':
      io.stdout.write('Already unsubscribed: nothing changed\n');
      return 0;
    case 'invalid-token':
      io.stderr.write(
        'storyline unsubscribe: Unexpected token that does not verify, expected the `token` value from an unsubscribe link made with this STORYLINE_SECRET\n',
      );
      return 1;
    case 'invalid-address':
      io.stderr.write(
        'storyline unsubscribe: Unexpected address, expected one such as reader@example.org\n',
      );
      return 1;
  }
}
