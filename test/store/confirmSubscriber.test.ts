import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newConfirmationToken } from '../../src/serve/confirmationToken.js';
import { claimConfirmationMail } from '../../src/store/claimConfirmationMail.js';
import { confirmSubscriber } from '../../src/store/confirmSubscriber.js';
import { listCatchUps } from '../../src/store/listCatchUps.js';
import { openStore } from '../../src/store/openStore.js';
import { resubscribeSubscriber } from '../../src/store/resubscribeSubscriber.js';
import type { Store } from '../../src/store/Store.js';
import { setStatus } from '../../src/store/setStatus.js';
import { streamActive } from '../../src/store/streamActive.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { fixture } from '../helpers/fixture.js';

const secret = 'confirm-test-secret-0123456789';
const consent = 'Email me each update. https://news.example.org/';
const day = 24 * 60 * 60 * 1000;
const t0 = new Date('2026-03-01T09:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function sqliteStore(): Promise<Store> {
  const root = await fixture({});
  const store = await openStore({ engine: 'sqlite', file: path.join(root, 'confirm.db') });
  stores.push(store);
  return store;
}

async function activeAt(store: Store, editionStart: Date): Promise<string[]> {
  const addresses: string[] = [];
  for await (const subscriber of streamActive(store, 100, editionStart))
    addresses.push(subscriber.address);
  return addresses;
}

describe('confirming a subscriber', () => {
  it('schedules the catch-up in the confirming transaction, at the confirmation’s time', async () => {
    const store = await sqliteStore();
    const { id } = await upsertSubscriber(store, {
      address: 'ada@example.org',
      status: 'pending',
      source: 'form',
      now: t0,
    });
    const { hash } = newConfirmationToken();
    expect(
      await claimConfirmationMail(store, {
        subscriberId: id,
        tokenHash: hash,
        now: t0,
        intervalMs: 60 * 60 * 1000,
        validMs: 7 * day,
      }),
    ).toBe(true);
    const result = await confirmSubscriber(store, {
      tokenHash: hash,
      now: at(60_000),
      secret,
      consent,
    });
    expect(result).toEqual({
      kind: 'confirmed',
      subscriberId: id,
      confirmedAt: at(60_000).toISOString(),
    });
    expect(
      (await listCatchUps(store, id)).map(({ status, confirmedAt }) => ({ status, confirmedAt })),
    ).toEqual([{ status: 'due', confirmedAt: at(60_000).toISOString() }]);
    // The link used again changes nothing and schedules nothing more.
    expect(
      (await confirmSubscriber(store, { tokenHash: hash, now: at(120_000), secret, consent })).kind,
    ).toBe('already');
    expect(await listCatchUps(store, id)).toHaveLength(1);
  });

  it('dates a resubscribe from now, so a reader back while an edition sends is left to the catch-up and gets that update once', async () => {
    const store = await sqliteStore();
    await upsertSubscriber(store, {
      address: 'grace@example.org',
      status: 'active',
      source: 'form',
      now: t0,
    });
    await setStatus(store, 'grace@example.org', 'unsubscribed', { source: 'form', now: at(day) });
    const editionStart = at(2 * day);
    const back = at(2 * day + 60_000);
    const result = await resubscribeSubscriber(store, {
      address: 'grace@example.org',
      now: back,
      secret,
      consent,
    });
    expect(result.kind).toBe('resubscribed');
    const subscriberId = result.kind === 'resubscribed' ? result.subscriberId : -1;
    // The edition that began before they came back does not add them half-way...
    expect(await activeAt(store, editionStart)).toEqual([]);
    // ...their catch-up holds it instead (editions begun before `back`).
    expect((await listCatchUps(store, subscriberId)).map(({ confirmedAt }) => confirmedAt)).toEqual(
      [back.toISOString()],
    );
    // The next edition mails them as usual.
    expect(await activeAt(store, at(3 * day))).toEqual(['grace@example.org']);
  });
});
