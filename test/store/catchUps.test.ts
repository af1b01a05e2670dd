import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ClaimedCatchUp,
  claimNextCatchUp,
  settleCatchUp,
} from '../../src/store/claimCatchUp.js';
import type { StoreTarget } from '../../src/store/databaseUrl.js';
import { eraseSubscriber } from '../../src/store/eraseSubscriber.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { listCatchUps } from '../../src/store/listCatchUps.js';
import type { Store } from '../../src/store/Store.js';
import { scheduleCatchUp } from '../../src/store/scheduleCatchUp.js';
import { storeMigrationProvider } from '../../src/store/storeMigrations.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { confirmSubscriber } from '../helpers/catchUpFixture.js';
import { openTracked } from '../helpers/openTracked.js';
import { openUnmigrated } from '../helpers/openUnmigrated.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';

const t0 = new Date('2026-03-01T09:00:00.000Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const messageIdFor = ({ id }: { id: number }) => `<catch-up.${id}@example.org>`;

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

/** Claims until none is left, settling each as sent: one deliverer's loop without the mail. */
async function claimAll(store: Store, now: Date): Promise<ClaimedCatchUp[]> {
  const claimed: ClaimedCatchUp[] = [];
  let after = 0;
  for (;;) {
    const claim = await claimNextCatchUp(store, {
      now,
      staleBefore: undefined,
      after,
      messageIdFor,
    });
    if (!claim) return claimed;
    after = claim.id;
    claimed.push(claim);
    expect(await settleCatchUp(store, claim, { status: 'sent' }, now)).toBe(true);
  }
}

function catchUpSuite(newTarget: () => Promise<StoreTarget>) {
  it('creates catch_ups in an empty database; a confirmation scheduled twice is one due row', async () => {
    const store = await openTracked(await newTarget());
    expect(store.migrated).toContain('0003_catch_ups');
    const id = await confirmSubscriber(store, 'ada@example.org', t0);
    const again = await store.db
      .transaction()
      .execute((trx) => scheduleCatchUp(trx, id, t0.toISOString()));
    expect(again).toBe('already-scheduled');
    expect(await listCatchUps(store)).toEqual([
      expect.objectContaining({
        subscriberId: id,
        confirmedAt: t0.toISOString(),
        status: 'due',
        attempt: 0,
        messageId: undefined,
      }),
    ]);
  });

  it('migrates a version 2 store to catch_ups, keeping its subscribers', async () => {
    const target = await newTarget();
    const old = openUnmigrated(target);
    try {
      const migrator = new Migrator({ db: old, provider: storeMigrationProvider(target.engine) });
      expect((await migrator.migrateTo('0002_send_event_source')).error).toBeUndefined();
      await old
        .insertInto('subscribers')
        .values({
          address: 'ada@example.org',
          name: 'Ada',
          attributes: '{}',
          status: 'active',
          source: 'import',
          created_at: t0.toISOString(),
          confirmed_at: t0.toISOString(),
          changed_at: t0.toISOString(),
        })
        .execute();
    } finally {
      await old.destroy();
    }
    const store = await openTracked(target);
    expect(store.migrated).toEqual([
      '0003_catch_ups',
      '0004_confirmations',
      '0005_bounces',
      '0006_confirmation_mail_sent',
      '0007_deliveries',
    ]);
    const ada = await findSubscriber(store, 'ada@example.org');
    expect(ada).toMatchObject({ name: 'Ada', status: 'active' });
    await store.db.transaction().execute((trx) => scheduleCatchUp(trx, ada?.id ?? -1, later(1)));
    expect((await listCatchUps(store)).map((row) => row.status)).toEqual(['due']);
  });

  it('schedules nothing when the confirming transaction rolls back', async () => {
    const store = await openTracked(await newTarget());
    const { id } = await upsertSubscriber(store, {
      address: 'ada@example.org',
      status: 'pending',
      source: 'form',
      now: t0,
    });
    await expect(
      store.db.transaction().execute(async (trx) => {
        await scheduleCatchUp(trx, id, t0);
        throw new Error('the confirmation failed');
      }),
    ).rejects.toThrow('the confirmation failed');
    expect(await listCatchUps(store)).toEqual([]);
  });

  it('claims each due row once across two connections claiming at once', async () => {
    const target = await newTarget();
    const a = await openTracked(target);
    const b = await openTracked(target);
    for (let i = 0; i < 40; i++) await confirmSubscriber(a, `reader${i}@example.org`, later(i));
    const [byA, byB] = await Promise.all([claimAll(a, later(60)), claimAll(b, later(60))]);
    const ids = [...byA, ...byB].map((claim) => claim.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect((await listCatchUps(a)).every((row) => row.status === 'sent')).toBe(true);
    // Nothing is left to claim.
    expect(await claimAll(b, later(61))).toEqual([]);
  });

  it('takes a sending row over only once its lease ran out, with the same Message-ID, and the old claim can no longer settle it', async () => {
    const store = await openTracked(await newTarget());
    await confirmSubscriber(store, 'ada@example.org', t0);
    const first = await claimNextCatchUp(store, {
      now: later(1),
      staleBefore: undefined,
      after: 0,
      messageIdFor,
    });
    expect(first).toMatchObject({
      attempt: 1,
      resumed: false,
      messageId: '<catch-up.1@example.org>',
    });
    // Within the lease: the claiming process may still be sending.
    const early = await claimNextCatchUp(store, {
      now: later(2),
      staleBefore: later(0),
      after: 0,
      messageIdFor: () => '<another@example.org>',
    });
    expect(early).toBeUndefined();
    const taken = await claimNextCatchUp(store, {
      now: later(20),
      staleBefore: later(10),
      after: 0,
      messageIdFor: () => '<another@example.org>',
    });
    expect(taken).toMatchObject({
      attempt: 2,
      resumed: true,
      messageId: '<catch-up.1@example.org>',
    });
    if (!first || !taken) throw new Error('unreachable');
    expect(await settleCatchUp(store, first, { status: 'sent' }, later(21))).toBe(false);
    expect(await settleCatchUp(store, taken, { status: 'sent' }, later(21))).toBe(true);
    expect(await listCatchUps(store)).toEqual([
      expect.objectContaining({ status: 'sent', attempt: 2, sentAt: later(21).toISOString() }),
    ]);
  });

  it('erasing a subscriber deletes their catch-ups', async () => {
    const store = await openTracked(await newTarget());
    await confirmSubscriber(store, 'ada@example.org', t0);
    await confirmSubscriber(store, 'bob@example.org', t0);
    expect(
      await eraseSubscriber(store, 'ada@example.org', {
        secret: 'catch-up-test-secret-0123',
        source: 'cli',
        now: later(1),
      }),
    ).toBe('erased');
    const rows = await listCatchUps(store);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.subscriberId).toBe((await findSubscriber(store, 'bob@example.org'))?.id);
  });
}

describe('catch-ups in the store on SQLite', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  catchUpSuite(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'storyline-catchups-'));
    dirs.push(dir);
    return { engine: 'sqlite', file: path.join(dir, 'storyline.db') };
  });
});

describe.skipIf('missing' in postgres)('catch-ups in the store on PostgreSQL', () => {
  const databases = 'bin' in postgres ? usePostgresDatabases(postgres.bin, 'catchups') : undefined;
  catchUpSuite(async () => {
    if (!databases) throw new Error('no cluster');
    return { engine: 'postgres', connectionString: await databases() };
  });
});
