import {
  findUnsentConfirmations,
  replaceUnsentConfirmation,
} from '../store/replaceUnsentConfirmation.js';
import { newConfirmationToken } from './confirmationToken.js';
import { mailConfirmation } from './mailConfirmation.js';
import type { ServeContext } from './ServeContext.js';
import { confirmationValidMs } from './signUp.js';

export interface ResendOptions {
  /**
   * How long a claimed link belongs to the process that claimed it
   * (`catchUp.leaseSeconds`): one claimed more recently may still be on its
   * way out of a live process, and is left alone.
   */
  leaseMs: number;
  /** Stops between links (the service is closing). */
  signal?: AbortSignal | undefined;
}

/**
 * The confirmation sweep: every link a killed process claimed but never
 * mailed (its lease run out) is replaced by a fresh one, which is mailed;
 * the replacement's conditional delete lets exactly one process, of any
 * number sweeping at once, mail each. Returns how many links went out.
 */
export async function resendUnsentConfirmations(
  context: ServeContext,
  options: ResendOptions,
): Promise<number> {
  const now = context.now();
  const claimedBefore = new Date(now.getTime() - options.leaseMs);
  let after: string | undefined;
  let resent = 0;
  for (;;) {
    const page = await findUnsentConfirmations(context.store, { now, claimedBefore, after });
    for (const unsent of page) {
      if (options.signal?.aborted) return resent;
      const { token, hash } = newConfirmationToken();
      const at = context.now();
      const to = await replaceUnsentConfirmation(context.store, {
        tokenHash: unsent.tokenHash,
        newTokenHash: hash,
        now: at,
        validMs: confirmationValidMs,
      });
      if (!to) continue;
      if (await mailConfirmation(context, { ...to, token, hash, now: at }, { resent: true }))
        resent++;
    }
    if (page.length === 0) return resent;
    after = page[page.length - 1]?.tokenHash;
  }
}
