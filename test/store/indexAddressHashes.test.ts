import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import { findByAddressHash } from '../../src/store/findByAddressHash.js';
import { indexAddressHashes } from '../../src/store/indexAddressHashes.js';
import { openStore } from '../../src/store/openStore.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { fixture } from '../helpers/fixture.js';

const secret = 'index-test-secret-0123456789';

describe('indexAddressHashes', () => {
  it('from the mark an earlier call returned, hashes only the subscribers added since and moves the mark', async () => {
    const root = await fixture({});
    const store = await openStore({ engine: 'sqlite', file: path.join(root, 'store.db') });
    const add = (address: string) =>
      upsertSubscriber(store, { address, status: 'active', source: 'import', now: new Date(0) });
    try {
      for (const address of ['a@example.org', 'b@example.org', 'c@example.org']) await add(address);
      const first = await indexAddressHashes(store, secret);
      expect(first).toEqual({ hashed: 3, through: 3 });
      // Nothing new: the mark stays, nothing is hashed.
      expect(await indexAddressHashes(store, secret, first.through)).toEqual({
        hashed: 0,
        through: 3,
      });
      await add('d@example.org');
      await add('e@example.org');
      expect(await indexAddressHashes(store, secret, first.through)).toEqual({
        hashed: 2,
        through: 5,
      });
      const found = await findByAddressHash(store.db, addressHash('e@example.org', secret), secret);
      expect(found?.address).toBe('e@example.org');
    } finally {
      await store.close();
    }
  });
});
