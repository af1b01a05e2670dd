import { countByStatus } from '../store/countByStatus.js';
import type { SubscriberStatus } from '../store/Database.js';
import type { Store } from '../store/Store.js';

/** `storyline subscribers count [--status S]`: every status's count, or one. */
export async function countSubscribers(
  store: Store,
  status?: SubscriberStatus,
): Promise<Partial<Record<SubscriberStatus, number>>> {
  const counts = await countByStatus(store);
  return status === undefined ? counts : { [status]: counts[status] };
}
