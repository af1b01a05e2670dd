import { markConfirmationSent, releaseConfirmationMail } from '../store/claimConfirmationMail.js';
import { confirmationMail } from './confirmationMail.js';
import type { ServeContext } from './ServeContext.js';

export interface ClaimedLink {
  subscriberId: number;
  address: string;
  /** The token in the link; the store holds only its hash. */
  token: string;
  hash: string;
  now: Date;
}

/**
 * Mails a claimed confirmation link and records that the transport took it;
 * a failure releases the claim so the reader may ask again at once. A
 * process killed before the record leaves the link unsent, for the sweep
 * (`resendUnsentConfirmations`) to mail a fresh one.
 */
export async function mailConfirmation(
  context: ServeContext,
  link: ClaimedLink,
  logged: Record<string, unknown> = {},
): Promise<boolean> {
  const { store, config } = context;
  const url = new URL('confirm', context.publicUrl());
  url.searchParams.set('token', link.token);
  try {
    await context.transport.send(await confirmationMail(config, link.address, url.href, link.now));
  } catch (error) {
    context.log({
      event: 'confirmation-failed',
      ...logged,
      code: (error as NodeJS.ErrnoException).code ?? 'unknown',
    });
    await releaseConfirmationMail(store, link.subscriberId, link.hash).catch(() => {});
    return false;
  }
  context.log({ event: 'confirmation-mailed', ...logged });
  // Sent but not recorded (the store gone away): the sweep may mail a second, working link.
  await markConfirmationSent(store, link.hash, context.now()).catch(() => {});
  return true;
}
