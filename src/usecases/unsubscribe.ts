import { verifyUnsubscribeToken } from '../deliver/unsubscribeToken.js';
import { addressHash } from '../ledger/addressHash.js';
import { appendSuppression, readSuppressions, suppressionFor } from '../ledger/suppressions.js';
import { addressProblem } from '../util/addressProblem.js';

export interface UnsubscribeOptions {
  root: string;
  /**
   * The token from an unsubscribe link, or an address. Never one string that
   * may be either: an endpoint that passes on what a reader sends must not
   * let a reader unsubscribe someone else by sending their address.
   */
  who: { token: string } | { address: string };
  secret: string;
  now: Date;
}

export type UnsubscribeResult = 'added' | 'already' | 'invalid-token' | 'invalid-address';

/**
 * Add an address to the suppression list (as its hash): it is never mailed
 * again. Takes the token from a subscriber's link, or the address itself.
 */
export async function unsubscribe(options: UnsubscribeOptions): Promise<UnsubscribeResult> {
  let email: string;
  if ('address' in options.who) {
    const value = options.who.address.trim();
    if (addressProblem(value)) return 'invalid-address';
    email = value;
  } else {
    const verified = verifyUnsubscribeToken(options.who.token.trim(), options.secret);
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
