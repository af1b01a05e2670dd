import path from 'node:path';
import { expect, it } from 'vitest';
import { newConfirmationToken } from '../../src/serve/confirmationToken.js';
import {
  claimConfirmationMail,
  markConfirmationSent,
} from '../../src/store/claimConfirmationMail.js';
import { confirmSubscriber } from '../../src/store/confirmSubscriber.js';
import { insertBounceEvent } from '../../src/store/insertBounceEvent.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { showSubscriber } from '../../src/usecases/showSubscriber.js';
import { fixture } from '../helpers/fixture.js';
import { openTracked } from '../helpers/openTracked.js';

const secret = 'show-test-secret-0123456789abcdef';

it('answers an access request with the catch-ups, confirmation links and bounces that name the person', async () => {
  const root = await fixture({});
  const store = await openTracked({ engine: 'sqlite', file: path.join(root, 'show.db') });
  const signedUp = new Date('2026-11-30T10:00:00Z');
  const confirmed = new Date('2026-11-30T10:05:00Z');
  const { id } = await upsertSubscriber(store, {
    address: 'reader@example.org',
    status: 'pending',
    source: 'form',
    consent: 'Email me each update (form at https://example.org/)',
    now: signedUp,
  });
  const { token, hash } = newConfirmationToken();
  expect(token).not.toBe('');
  expect(
    await claimConfirmationMail(store, {
      subscriberId: id,
      tokenHash: hash,
      now: signedUp,
      intervalMs: 3_600_000,
      validMs: 7 * 86_400_000,
    }),
  ).toBe(true);
  await markConfirmationSent(store, hash, signedUp);
  const result = await confirmSubscriber(store, {
    tokenHash: hash,
    now: confirmed,
    secret,
    consent: 'Email me each update (form at https://example.org/)',
  });
  expect(result.kind).toBe('confirmed');
  await insertBounceEvent(store.db, {
    source: 'dsn',
    event_key: 'key-1',
    kind: 'soft',
    edition: '2026-11-30-talks',
    subscriber_id: id,
    address_hash: 'hash-of-reader',
    status: '4.2.2',
    at: '2026-11-30T11:00:00.000Z',
    received_at: '2026-11-30T11:00:05.000Z',
  });
  // Someone else's rows stay out of this person's answer.
  const other = await upsertSubscriber(store, {
    address: 'other@example.org',
    status: 'active',
    source: 'import',
    now: signedUp,
  });
  await insertBounceEvent(store.db, {
    source: 'dsn',
    event_key: 'key-2',
    kind: 'hard',
    edition: null,
    subscriber_id: other.id,
    address_hash: 'hash-of-other',
    status: '5.1.1',
    at: '2026-11-30T11:00:00.000Z',
    received_at: '2026-11-30T11:00:05.000Z',
  });

  const record = await showSubscriber(store, { address: 'Reader@Example.org', secret });
  expect(record.subscriber?.email).toBe('reader@example.org');
  expect(record.records.confirmationLinks).toEqual([
    {
      createdAt: signedUp.toISOString(),
      expiresAt: new Date(signedUp.getTime() + 7 * 86_400_000).toISOString(),
      sentAt: signedUp.toISOString(),
      usedAt: confirmed.toISOString(),
    },
  ]);
  expect(record.records.catchUps).toHaveLength(1);
  expect(record.records.catchUps[0]).toMatchObject({
    confirmedAt: confirmed.toISOString(),
    status: 'due',
  });
  expect(record.records.bounces).toEqual([
    {
      kind: 'soft',
      source: 'dsn',
      edition: '2026-11-30-talks',
      status: '4.2.2',
      at: '2026-11-30T11:00:00.000Z',
    },
  ]);
  // Nothing of the token is kept, so nothing of it can be shown.
  expect(JSON.stringify(record)).not.toContain(hash);
  expect(JSON.stringify(record)).not.toContain(token);

  const unknown = await showSubscriber(store, { address: 'nobody@example.org', secret });
  expect(unknown.records).toEqual({ catchUps: [], confirmationLinks: [], bounces: [] });
});
