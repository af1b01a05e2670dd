import { verifyUnsubscribeToken } from '../deliver/unsubscribeToken.js';
import { addressHash } from '../ledger/addressHash.js';
import { appendSuppression, readSuppressions, suppressionFor } from '../ledger/suppressions.js';
import type { SubscriberSource } from '../store/Database.js';
import type { Store } from '../store/Store.js';
import { unsubscribeSubscriber } from '../store/unsubscribeSubscriber.js';
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
  /**
   * The subscriber store, when one is configured: the subscriber's status
   * becomes `unsubscribed` (with its event) and the store suppresses the
   * address too, besides `archive/suppressions.jsonl`.
   */
  store?: Store | undefined;
  /** Who asked, for the store's event (`cli` by default). */
  source?: SubscriberSource;
  /**
   * Whether `archive/suppressions.jsonl` is written too (true by default).
   * `serve` turns it off when `STORYLINE_DATABASE_URL` names the store every
   * send reads: there the store is the record, and reading the whole file on
   * each one-click would cap how many it can take.
   */
  suppressionsFile?: boolean;
}

export type UnsubscribeResult = 'added' | 'already' | 'invalid-token' | 'invalid-address';

/**
 * Add an address to the suppression list (as its hash): it is never mailed
 * again. Takes the token from a subscriber's link, or the address itself.
 * `already` only when nothing changed anywhere: a store configured after
 * the address was unsubscribed in the archive still gets it.
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
  let changed = false;
  const toFile = options.suppressionsFile !== false || !options.store;
  if (
    toFile &&
    !(await readSuppressions(options.root, options.secret)).hashes.has(
      addressHash(email, options.secret),
    )
  ) {
    await appendSuppression(
      options.root,
      suppressionFor(email, 'unsubscribed', options.secret, options.now),
    );
    changed = true;
  }
  if (
    options.store &&
    (await unsubscribeSubscriber(options.store, {
      address: email,
      secret: options.secret,
      now: options.now,
      source: options.source ?? 'cli',
    }))
  )
    changed = true;
  return changed ? 'added' : 'already';
}
