import type { StoreTarget } from '../../src/store/databaseUrl.js';
import { openStore } from '../../src/store/openStore.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';

/** A store holding `addresses` as active subscribers, imported at the epoch. */
export async function fillStore(target: StoreTarget, addresses: readonly string[]): Promise<void> {
  const store = await openStore(target);
  try {
    for (const address of addresses)
      await upsertSubscriber(store, {
        address,
        status: 'active',
        source: 'import',
        now: new Date(0),
      });
  } finally {
    await store.close();
  }
}
