import { findSubscriber } from '../store/findSubscriber.js';
import { isSuppressed } from '../store/isSuppressed.js';
import type { Store } from '../store/Store.js';
import { upsertSubscriber } from '../store/upsertSubscriber.js';
import { addressProblem } from '../util/addressProblem.js';

export type AddSubscriberResult =
  | { kind: 'added' | 'updated' | 'unchanged' }
  /** Already there but unsubscribed, bounced or complained: left so. */
  | { kind: 'inactive'; status: string }
  | { kind: 'suppressed' }
  | { kind: 'invalid-address'; problem: string };

/**
 * `storyline subscribers add EMAIL [--name N]`: one active subscriber, source
 * `cli`. Like an import, it never brings back someone who left: a suppressed
 * address (unsubscribed, bounced, erased) is refused, and an existing
 * subscriber keeps their status (only the name changes).
 */
export async function addSubscriber(
  store: Store,
  options: { address: string; name?: string | undefined; secret: string; now: Date },
): Promise<AddSubscriberResult> {
  const address = options.address.trim();
  const problem = addressProblem(address);
  if (problem) return { kind: 'invalid-address', problem };
  if (await isSuppressed(store, address, options.secret)) return { kind: 'suppressed' };
  const existing = await findSubscriber(store, address);
  if (existing && existing.status !== 'active' && existing.status !== 'pending')
    return { kind: 'inactive', status: existing.status };
  const result = await upsertSubscriber(store, {
    address,
    name: options.name,
    status: 'active',
    source: 'cli',
    consent: 'added with storyline subscribers add',
    now: options.now,
  });
  return { kind: result.created ? 'added' : result.updated ? 'updated' : 'unchanged' };
}
