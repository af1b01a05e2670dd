import { eraseSubscriber } from '../store/eraseSubscriber.js';
import type { Store } from '../store/Store.js';

/**
 * `storyline subscribers erase EMAIL`: a GDPR erasure. The person's row and
 * events go; a suppression by address HMAC stays (added even when the
 * address is not in the store), so no later import or send reaches them.
 */
export async function eraseSubscriberData(
  store: Store,
  options: { address: string; secret: string; now: Date },
): Promise<'erased' | 'not-found'> {
  return eraseSubscriber(store, options.address, {
    secret: options.secret,
    source: 'cli',
    now: options.now,
  });
}
