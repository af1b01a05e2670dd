import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createLegacyUnsubscribeToken,
  createUnsubscribeToken,
} from '../../src/deliver/unsubscribeToken.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { findSuppression } from '../../src/store/findSuppression.js';
import { openStore } from '../../src/store/openStore.js';
import { subscriberEvents } from '../../src/store/subscriberEvents.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { unsubscribe } from '../../src/usecases/unsubscribe.js';
import { fixture } from '../helpers/fixture.js';

const secret = 'unsubscribe-usecase-secret-01';
const now = new Date('2026-03-01T00:00:00Z');

describe('unsubscribe (storyline unsubscribe and serve)', () => {
  it('takes a token mailed before opaque tokens, as well as an opaque one', async () => {
    const root = await fixture({});
    const legacy = createLegacyUnsubscribeToken('old@example.org', secret);
    expect(await unsubscribe({ root, who: { token: legacy }, secret, now })).toBe('added');
    const opaque = createUnsubscribeToken('new@example.org', secret);
    expect(await unsubscribe({ root, who: { token: opaque }, secret, now })).toBe('added');
    expect(await unsubscribe({ root, who: { token: legacy }, secret, now })).toBe('already');
    const lines = (await readFile(path.join(root, 'archive', 'suppressions.jsonl'), 'utf8'))
      .trim()
      .split('\n');
    expect(lines).toHaveLength(2);
  });

  it('with a store and no suppressions file, records status, event and suppression once', async () => {
    const root = await fixture({});
    const store = await openStore({ engine: 'sqlite', file: path.join(root, 's.db') });
    try {
      await upsertSubscriber(store, {
        address: 'ada@example.org',
        status: 'active',
        source: 'import',
        now,
      });
      const token = createUnsubscribeToken('ada@example.org', secret);
      const options = {
        root,
        who: { token },
        secret,
        now,
        store,
        source: 'form' as const,
        suppressionsFile: false,
      };
      expect(await unsubscribe(options)).toBe('added');
      expect(await unsubscribe(options)).toBe('already');
      const ada = await findSubscriber(store, 'ada@example.org');
      expect(ada?.status).toBe('unsubscribed');
      expect((await subscriberEvents(store, ada?.id ?? 0)).map((e) => [e.kind, e.source])).toEqual([
        ['subscribed', 'import'],
        ['unsubscribed', 'form'],
      ]);
      expect(await findSuppression(store, 'ada@example.org', secret)).toMatchObject({
        reason: 'unsubscribed',
      });
      await expect(readFile(path.join(root, 'archive', 'suppressions.jsonl'))).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
