import { onTestFinished } from 'vitest';
import type { StoreTarget } from '../../src/store/databaseUrl.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/Store.js';

/** The store at `target`, closed when the running test finishes, passed or failed. */
export async function openTracked(target: StoreTarget): Promise<Store> {
  const store = await openStore(target);
  onTestFinished(() => store.close());
  return store;
}
