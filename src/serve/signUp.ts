import { asciiDomain, internationalProblem } from '../deliver/validateSubscriberRow.js';
import { addressHash } from '../ledger/addressHash.js';
import { readSuppressions } from '../ledger/suppressions.js';
import { claimConfirmationMail } from '../store/claimConfirmationMail.js';
import { findSubscriber } from '../store/findSubscriber.js';
import { findSuppression } from '../store/findSuppression.js';
import { upsertSubscriber } from '../store/upsertSubscriber.js';
import { addressProblem } from '../util/addressProblem.js';
import { normalizeAddress } from '../util/normalizeAddress.js';
import { newConfirmationToken } from './confirmationToken.js';
import { mailConfirmation } from './mailConfirmation.js';
import type { ServeContext } from './ServeContext.js';

export interface SignUpInput {
  email: unknown;
  name: unknown;
  /** The honeypot: people leave it empty. */
  website: unknown;
  /** The page the form was on. */
  page: unknown;
}

export type SignUpResult =
  /** The answer for every well-formed address, whatever happened: no list enumeration. */
  { kind: 'accepted' } | { kind: 'invalid-address'; problem: string };

/** Confirmation links work this long. */
export const confirmationValidMs = 7 * 24 * 60 * 60 * 1000;

/**
 * `POST /subscribe`: a `pending` subscriber and, at most once an interval per
 * address, a confirmation mail. The result is the same for a new address,
 * one already pending or active, one unsubscribed, bounced or suppressed, a
 * mail already sent within the hour, and a bot that filled in the honeypot;
 * the mail goes out after the answer, so not even the time to answer tells
 * them apart.
 */
export async function signUp(context: ServeContext, input: SignUpInput): Promise<SignUpResult> {
  if (typeof input.website === 'string' && input.website !== '') {
    context.log({ event: 'honeypot' });
    return { kind: 'accepted' };
  }
  const typed = typeof input.email === 'string' ? input.email.trim() : '';
  const problem = addressProblem(typed) ?? internationalProblem(typed);
  if (problem) return { kind: 'invalid-address', problem };
  const address = normalizeAddress(asciiDomain(typed));
  const name =
    typeof input.name === 'string' && input.name.trim() !== ''
      ? input.name
          .trim()
          .replace(/[\p{Cc}]/gu, ' ')
          .slice(0, 200)
      : undefined;
  const { store, secret, config } = context;
  const now = context.now();
  const suppression = await findSuppression(store, address, secret);
  // An unsubscribe may be undone by confirming again; a bounce, complaint or erasure may not.
  if (suppression && suppression.reason !== 'unsubscribed') return { kind: 'accepted' };
  if (context.suppressionsFile) {
    // The file cannot lift a suppression: whoever is in it is never mailed again.
    const { hashes } = await readSuppressions(context.root, secret);
    if (hashes.has(addressHash(address, secret))) return { kind: 'accepted' };
  }
  let subscriber = await findSubscriber(store, address);
  if (!subscriber) {
    // Only a new subscriber takes the name: a stranger posting someone's address changes nothing of theirs.
    const { id } = await upsertSubscriber(store, {
      address,
      name,
      status: 'pending',
      source: 'form',
      consent: consentFor(context, input.page),
      now,
    });
    subscriber = { id, address } as NonNullable<typeof subscriber>;
  }
  const { token, hash } = newConfirmationToken();
  const claimed = await claimConfirmationMail(store, {
    subscriberId: subscriber.id,
    tokenHash: hash,
    now,
    intervalMs: config.serve.limits.confirmationIntervalMinutes * 60_000,
    validMs: confirmationValidMs,
  });
  if (!claimed) return { kind: 'accepted' };
  context.track(
    mailConfirmation(context, { subscriberId: subscriber.id, address, token, hash, now }),
  );
  return { kind: 'accepted' };
}

/** The consent text shown and the page it was shown on (only one of this site's, else the service's). */
export function consentFor(context: ServeContext, page: unknown): string {
  const { config } = context;
  let where = new URL('subscribe', context.publicUrl()).href;
  if (typeof page === 'string' && page.length <= 500) {
    try {
      const url = new URL(page);
      const ours = [config.siteUrl, context.publicUrl()].some((base) =>
        url.href.startsWith(new URL(base).href),
      );
      if (ours) where = url.href;
    } catch {}
  }
  return `${config.serve.consent} (form at ${where})`;
}
